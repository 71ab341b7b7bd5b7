namespace FlashSale.LocalServers;

/// <summary>A Prometheus server on 127.0.0.1 with the lifecycle API on (POST /-/reload, /-/quit).</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private PrometheusServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri Url { get; }

    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts prometheus and waits until GET /-/ready answers 200.</summary>
    public static async Task<PrometheusServer> StartAsync(PrometheusServerOptions options, CancellationToken cancellationToken)
    {
        var configFile = Path.GetFullPath(options.ConfigFile);
        if (!File.Exists(configFile))
        {
            throw new FileNotFoundException($"The Prometheus configuration {configFile} does not exist.", configFile);
        }

        var binary = Binaries.Prometheus();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        return await ServerPort.StartOnAsync(options.Port, "Prometheus", async port =>
        {
            var start = new ChildProcessStart(
                "Prometheus",
                binary,
                [
                    $"--config.file={configFile}",
                    $"--storage.tsdb.path={dataDirectory}",
                    $"--web.listen-address=127.0.0.1:{port}",
                    "--web.enable-lifecycle",
                ])
            {
                LogFile = options.LogFile is null ? null : Path.GetFullPath(options.LogFile),
                WorkingDirectory = dataDirectory,
                StopSignal = UnixSignal.Terminate,
            };
            var url = new Uri($"http://127.0.0.1:{port}/");
            var process = await ChildProcess.StartAsync(
                start,
                new ReadinessProbe($"answered 200 on {url}-/ready", (_, attemptToken) => ServesAsync(url, dataDirectory, attemptToken)),
                cancellationToken);
            return new PrometheusServer(process, port);
        });
    }

    /// <summary>SIGTERM; SIGKILL if it takes longer than 15 s.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        _process.StopAsync(UnixSignal.Terminate, ServerTimeouts.Stop, cancellationToken);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    // Ready, and ours: its storage path is the one we gave (not another Prometheus already on the port).
    private static async Task<bool> ServesAsync(Uri url, string dataDirectory, CancellationToken cancellationToken)
    {
        if (!await HttpProbe.AnswersOkAsync(new Uri(url, "-/ready"), cancellationToken))
        {
            return false;
        }

        using var flags = await HttpProbe.GetJsonAsync(new Uri(url, "api/v1/status/flags"), cancellationToken);
        var storage = flags.RootElement.GetProperty("data").GetProperty("storage.tsdb.path").GetString();
        return storage == dataDirectory
            ? true
            : throw new InvalidOperationException($"another Prometheus (storage {storage}) answers on {url}");
    }
}
