namespace FlashSale.LocalServers;

/// <summary>
/// A Grafana server on 127.0.0.1 with anonymous Viewer access, configured through GF_* variables. Only for machines
/// where grafana-server is installed (<see cref="IsInstalled"/>); Debian does not package it, so this class has not
/// been run on the project's machines.
/// </summary>
public sealed class GrafanaServer : IAsyncDisposable
{
    private const string DefaultHomePath = "/usr/share/grafana";

    // Its first start migrates its SQLite database, which takes a while on a small machine.
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    private readonly ChildProcess _process;

    private GrafanaServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public static bool IsInstalled => Binaries.TryFindGrafanaServer() is not null;

    public int Port { get; }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri Url { get; }

    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts grafana-server and waits until GET /api/health answers 200.</summary>
    public static async Task<GrafanaServer> StartAsync(GrafanaServerOptions options, CancellationToken cancellationToken)
    {
        var binary = Binaries.GrafanaServer();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        return await ServerPort.StartOnAsync(options.Port, "Grafana", async port =>
        {
            var start = new ChildProcessStart("Grafana", binary, ["--homepath", options.HomePath ?? HomePathOf(binary)])
            {
                Environment = GrafanaEnvironment(dataDirectory, options.ProvisioningDirectory, port, options.Environment),
                LogFile = options.LogFile is null ? null : Path.GetFullPath(options.LogFile),
                WorkingDirectory = dataDirectory,
                StopSignal = UnixSignal.Terminate,
            };
            var health = new Uri($"http://127.0.0.1:{port}/api/health");
            var readiness = new ReadinessProbe($"answered 200 on {health}", (_, attemptToken) => HttpProbe.AnswersOkAsync(health, attemptToken))
            {
                Timeout = Startup,
            };
            var process = await ChildProcess.StartAsync(start, readiness, cancellationToken);
            return new GrafanaServer(process, port);
        });
    }

    /// <summary>SIGTERM; SIGKILL if it takes longer than 15 s.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        _process.StopAsync(UnixSignal.Terminate, ServerTimeouts.Stop, cancellationToken);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static Dictionary<string, string> GrafanaEnvironment(
        string dataDirectory, string? provisioningDirectory, int port, IReadOnlyDictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>(extra)
        {
            ["GF_SERVER_HTTP_ADDR"] = "127.0.0.1",
            ["GF_SERVER_HTTP_PORT"] = port.ToString(),
            ["GF_PATHS_DATA"] = dataDirectory,
            ["GF_PATHS_LOGS"] = Path.Combine(dataDirectory, "log"),
            ["GF_AUTH_ANONYMOUS_ENABLED"] = "true",
            ["GF_AUTH_ANONYMOUS_ORG_ROLE"] = "Viewer",
        };
        if (provisioningDirectory is not null)
        {
            environment["GF_PATHS_PROVISIONING"] = Path.GetFullPath(provisioningDirectory);
        }

        return environment;
    }

    // A tarball install keeps bin/grafana-server beside conf/defaults.ini; the Debian package puts the binary in /usr/sbin.
    private static string HomePathOf(string binary)
    {
        var installation = Path.GetDirectoryName(Path.GetDirectoryName(binary));
        return installation is not null && File.Exists(Path.Combine(installation, "conf", "defaults.ini")) ? installation : DefaultHomePath;
    }
}
