namespace FlashSale.LocalServers;

public sealed record GrafanaServerOptions
{
    /// <summary>Grafana's data directory (GF_PATHS_DATA, with its logs under log/), created if missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Datasources and dashboards to provision (GF_PATHS_PROVISIONING); null keeps Grafana's default.</summary>
    public string? ProvisioningDirectory { get; init; }

    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Appended with the server's output; null keeps only the last lines, for error messages.</summary>
    public string? LogFile { get; init; }

    /// <summary>More environment variables for Grafana, e.g. those its provisioning files read (such as PROMETHEUS_URL).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Grafana's installation (--homepath); null means the directory above the binary's bin/, else /usr/share/grafana.</summary>
    public string? HomePath { get; init; }
}
