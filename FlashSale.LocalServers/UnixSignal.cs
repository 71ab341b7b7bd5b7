namespace FlashSale.LocalServers;

/// <summary>The signals the servers are stopped with (same numbers on Linux and macOS).</summary>
internal enum UnixSignal
{
    /// <summary>SIGINT: PostgreSQL's "fast" shutdown.</summary>
    Interrupt = 2,

    /// <summary>SIGKILL: the last resort when a server does not stop in time.</summary>
    Kill = 9,

    /// <summary>SIGTERM: graceful shutdown for Redis, Prometheus and Grafana.</summary>
    Terminate = 15,
}
