using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FlashSale.Tests.Infrastructure;

// FlashSale.Api run as its own process from the build output (`dotnet FlashSale.Api.dll`), as the AppHost runs it:
// behind real Kestrel, so the tests see what Kestrel itself answers, and how the process starts and stops.
public sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiProcess(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var directory = Repository.PathOf("FlashSale.Api", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(directory, "FlashSale.Api.dll"));
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(e.Data);
            }

            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_error)
                {
                    _error.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ApiProcess Start(IReadOnlyDictionary<string, string> environment) => new(environment);

    // The process's settings for the servers' storage: its own database and Redis key prefix.
    public static async Task<Dictionary<string, string>> SettingsAsync(Servers servers) => new()
    {
        ["ConnectionStrings__flashsale"] = await servers.CreateDatabaseAsync(),
        ["ConnectionStrings__redis"] = servers.RedisConnectionString,
        ["FlashSale__RedisKeyPrefix"] = Servers.NewRedisPrefix(),
        ["FlashSale__AutoStart"] = "false",
        ["FlashSale__AdminApiKey"] = FlashSaleHost.AdminKey,
        ["FlashSale__ReplicaName"] = "process",
    };

    // Where it listens, once it says so.
    public async Task<Uri> ListeningAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(timeout));
        return first == _listening.Task
            ? await _listening.Task
            : throw new InvalidOperationException($"FlashSale.Api did not start listening:\n{Output}\n{Error}");
    }

    // The exit code, once it exits by itself.
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
