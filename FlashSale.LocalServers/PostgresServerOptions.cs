namespace FlashSale.LocalServers;

public sealed record PostgresServerOptions
{
    /// <summary>The cluster's directory: initialized (initdb) when missing or empty, reused when it holds a cluster.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// True (the default) keeps PostgreSQL crash-safe. False turns off fsync, synchronous_commit and full_page_writes:
    /// much faster for tests, but a crash of the machine can corrupt the cluster.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>Appended with initdb's and the server's output; null keeps only the last lines, for error messages.</summary>
    public string? LogFile { get; init; }
}
