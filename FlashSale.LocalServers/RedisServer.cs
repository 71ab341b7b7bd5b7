namespace FlashSale.LocalServers;

/// <summary>A redis-server on 127.0.0.1 without a password; it can be stopped and started again on the same port.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcessStart _start;
    private ChildProcess _process;

    private RedisServer(ChildProcessStart start, ChildProcess process, string dataDirectory, int port)
    {
        _start = start;
        _process = process;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public bool IsRunning => !_process.HasExited;

    /// <summary>"127.0.0.1:port", as StackExchange.Redis takes it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts redis-server and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync(RedisServerOptions options, CancellationToken cancellationToken)
    {
        var binary = Binaries.RedisServer();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        return await ServerPort.StartOnAsync(options.Port, "Redis", async port =>
        {
            var start = new ChildProcessStart("Redis", binary, Arguments(dataDirectory, port, options.Persistent))
            {
                LogFile = options.LogFile is null ? null : Path.GetFullPath(options.LogFile),
                WorkingDirectory = dataDirectory,
                StopSignal = UnixSignal.Terminate,
            };
            var process = await ChildProcess.StartAsync(start, Readiness(port), cancellationToken);
            return new RedisServer(start, process, dataDirectory, port);
        });
    }

    /// <summary>SIGTERM (Redis saves its data when persistent, then exits); SIGKILL if it takes longer than 15 s.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        _process.StopAsync(UnixSignal.Terminate, ServerTimeouts.Stop, cancellationToken);

    /// <summary>SIGKILLs Redis, like a crash.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Starts the same server again (same port, directory and settings) after a stop or a kill.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Redis on {ConnectionString} is still running: stop it before starting it again.");
        }

        await _process.DisposeAsync();
        ServerPort.EnsureFree(Port, "Redis");
        _process = await ChildProcess.StartAsync(_start, Readiness(Port), cancellationToken);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static ReadinessProbe Readiness(int port) =>
        new($"answered PING on 127.0.0.1:{port}", (child, attemptToken) => RedisProbe.AnswersAsync(port, child.Id, attemptToken));

    private static List<string> Arguments(string dataDirectory, int port, bool persistent)
    {
        List<string> arguments =
        [
            "--bind", "127.0.0.1",
            "--port", port.ToString(),
            "--dir", dataDirectory,
            "--protected-mode", "no",
            "--daemonize", "no",
        ];
        arguments.AddRange(persistent ? ["--appendonly", "yes"] : ["--save", "", "--appendonly", "no"]);
        return arguments;
    }
}
