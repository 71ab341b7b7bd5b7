using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Infrastructure;

// FlashSale.Api run as its own process from the build output (`dotnet FlashSale.Api.dll`), as the AppHost runs it:
// behind real Kestrel, so the tests see what Kestrel itself answers, how the process starts and stops, and what a
// real SIGKILL or SIGTERM does to it. Disposing kills it if it still runs.
public sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConsoleText _output = new();
    private readonly ConsoleText _error = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiProcess(IReadOnlyDictionary<string, string> environment, string? workingDirectory)
    {
        var directory = RepositoryRoot.BuildOutputOf("FlashSale.Api");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? directory,
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
            _output.Append(e.Data);
            if (e.Data is not null && ListeningOn().Match(e.Data) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        _process.ErrorDataReceived += (_, e) => _error.Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    // Where it listens, once StartAsync has seen it healthy.
    public Uri Address { get; private set; } = new("http://127.0.0.1:0");

    public string Error => _error.ToString();

    public string Output => _output.ToString();

    // Started in its build output unless `workingDirectory` says where else.
    public static ApiProcess Start(IReadOnlyDictionary<string, string> environment, string? workingDirectory = null) =>
        new(environment, workingDirectory);

    // A replica on a test's storage (HostSettings: its database, Redis and key prefix), healthy when this returns.
    public static async Task<ApiProcess> StartAsync(HostSettings settings, string name)
    {
        // Defaults a test's own overrides (already in the settings) win over.
        var environment = Settings(settings, name);
        environment.TryAdd("ASPNETCORE_ENVIRONMENT", "Testing");
        environment.TryAdd("Logging__LogLevel__Default", "Warning");
        environment.TryAdd("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Information");

        var api = Start(environment);
        api.Address = await api.ListeningAsync();
        await api.WaitUntilHealthyAsync();
        return api;
    }

    // The process's settings for the servers' storage: its own database and Redis key prefix.
    public static async Task<Dictionary<string, string>> SettingsAsync(Servers servers) =>
        Settings(await HostSettings.CreateAsync(servers), "process");

    // A test's storage and overrides as the process's environment.
    private static Dictionary<string, string> Settings(HostSettings settings, string name)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__flashsale"] = settings.Database,
            ["ConnectionStrings__redis"] = settings.Redis,
            ["FlashSale__RedisKeyPrefix"] = settings.RedisPrefix,
            ["FlashSale__AutoStart"] = "false",
            ["FlashSale__AdminApiKey"] = FlashSaleHost.AdminKey,
            ["FlashSale__ReplicaName"] = name,
            // No gateway probes these replicas: a stop has nothing to wait for unless a test says otherwise.
            ["FlashSale__DrainDelay"] = "00:00:00",
        };
        foreach (var (key, value) in settings.Overrides)
        {
            if (value is not null)
            {
                environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        return environment;
    }

    // A client of its own; `closeConnections` opens a connection per request, so that no request is sent on a kept-alive
    // connection the replica is closing (then only a request the replica accepted counts as in flight).
    public FlashSaleClient Client(bool closeConnections = false, bool admin = false)
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.ConnectionClose = closeConnections;
        if (admin)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", FlashSaleHost.AdminKey);
        }

        return new FlashSaleClient(http);
    }

    // Where it listens, once it says so.
    public async Task<Uri> ListeningAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(Waiting.Patience));
        return first == _listening.Task
            ? await _listening.Task
            : throw new InvalidOperationException($"FlashSale.Api did not start listening:\n{Output}\n{Error}");
    }

    // The exit code, once it exits by itself.
    public async Task<int> ExitCodeAsync()
    {
        using var cancel = new CancellationTokenSource(Waiting.Patience);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    // SIGKILL: the replica vanishes mid-request, as in a crash.
    public void Kill() => _process.Kill();

    // SIGTERM: the replica is asked to stop, as by an orchestrator.
    public Task TerminateAsync() => Signals.SendAsync(_process.Id, "TERM");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await Waiting.Eventually(async () =>
        {
            Assert.False(_process.HasExited, $"The API exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}\n{Error}");
            try
            {
                using var reply = await http.GetAsync(new Uri("/health", UriKind.Relative));
                return reply.StatusCode == HttpStatusCode.OK ? null : $"The API at {Address} answers /health with {(int)reply.StatusCode}:\n{Output}\n{Error}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return $"The API at {Address} does not answer /health ({e.Message}):\n{Output}\n{Error}";
            }
        });
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
