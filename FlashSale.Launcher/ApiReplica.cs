using FlashSale.LocalServers;

namespace FlashSale.Launcher;

/// <summary>
/// One FlashSale.Api process on 127.0.0.1, run with <c>dotnet api/FlashSale.Api.dll</c> from the launcher's output.
/// It inherits the launcher's environment (so every FlashSale__* setting reaches it) plus its connection strings,
/// its replica name and its URL.
/// </summary>
internal sealed class ApiReplica : IAsyncDisposable
{
    public const string ApiAssembly = "FlashSale.Api.dll";

    // The first start of a replica JITs the whole app and migrates the schema: give it time on a small machine.
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(120);

    private readonly ChildProcess _process;

    private ApiReplica(ChildProcess process, string name, int port)
    {
        _process = process;
        Name = name;
        Port = port;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public static string ApiDirectory => Path.Combine(AppContext.BaseDirectory, "api");

    public string Name { get; }

    public int Port { get; }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri Url { get; }

    public int ProcessId => _process.Id;

    public bool IsRunning => !_process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the replica on a free port and waits until GET /health answers 200 (PostgreSQL and Redis reached).</summary>
    public static Task<ApiReplica> StartAsync(string name, string postgres, string redis, string logFile, CancellationToken cancellationToken) =>
        ServerPort.StartOnAsync(0, name, async port =>
        {
            var url = $"http://127.0.0.1:{port}";
            var start = new ChildProcessStart(name, DotnetHost(), [Path.Combine(ApiDirectory, ApiAssembly)])
            {
                Environment = new Dictionary<string, string>
                {
                    ["ConnectionStrings__flashsale"] = postgres,
                    ["ConnectionStrings__redis"] = redis,
                    ["FlashSale__ReplicaName"] = name,
                    ["ASPNETCORE_URLS"] = url,
                },
                LogFile = logFile,
                WorkingDirectory = ApiDirectory,
                StopSignal = UnixSignal.Terminate,
            };
            var health = new Uri($"{url}/health");
            var readiness = new ReadinessProbe($"answered 200 on {health}", (_, attempt) => HttpProbe.AnswersOkAsync(health, attempt))
            {
                Timeout = Startup,
            };
            return new ApiReplica(await ChildProcess.StartAsync(start, readiness, cancellationToken), name, port);
        });

    /// <summary>SIGTERM (ASP.NET Core drains its requests and stops); SIGKILL if it takes longer than 15 s.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        _process.StopAsync(UnixSignal.Terminate, ServerTimeouts.Stop, cancellationToken);

    public Task<string> DescribeOutputAsync() => _process.DescribeOutputAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    // The dotnet that runs the launcher, else the one the SDK names, else the one on PATH.
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } sdkHost ? sdkHost : "dotnet";
    }
}
