namespace FlashSale.LocalServers;

public sealed record PrometheusServerOptions
{
    /// <summary>The prometheus.yml to load (--config.file); it must exist.</summary>
    public required string ConfigFile { get; init; }

    /// <summary>The TSDB directory (--storage.tsdb.path), created if missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Appended with the server's output; null keeps only the last lines, for error messages.</summary>
    public string? LogFile { get; init; }
}
