namespace FlashSale.LocalServers;

public sealed record RedisServerOptions
{
    /// <summary>Redis's working directory (--dir), created if missing: its RDB and AOF files go there.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>True: append-only file plus the default RDB snapshots. False: nothing is written to disk.</summary>
    public bool Persistent { get; init; } = true;

    /// <summary>Appended with the server's output; null keeps only the last lines, for error messages.</summary>
    public string? LogFile { get; init; }
}
