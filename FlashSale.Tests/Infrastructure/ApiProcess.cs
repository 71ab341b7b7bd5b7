using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Infrastructure;

// One FlashSale API replica as a real process (dotnet FlashSale.Api.dll from the API's own build output) on a port
// of its own, so a test can kill it (SIGKILL) or stop it (SIGTERM) for real. Disposing kills it if it still runs.
public sealed class ApiProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

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

    public static async Task<ApiProcess> StartAsync(HostSettings settings, string name)
    {
        var folder = Repository.PathOf("FlashSale.Api", "bin", BuildConfiguration, "net10.0");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "FlashSale.Api.dll")])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["ConnectionStrings__flashsale"] = settings.Database,
                ["ConnectionStrings__redis"] = settings.Redis,
                ["FlashSale__RedisKeyPrefix"] = settings.RedisPrefix,
                ["FlashSale__AdminApiKey"] = FlashSaleHost.AdminKey,
                ["FlashSale__AutoStart"] = "false",
                ["FlashSale__ReplicaName"] = name,
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        foreach (var (key, value) in settings.Overrides)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var api = new ApiProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        api._process.OutputDataReceived += (_, line) => api.Append(line.Data);
        api._process.ErrorDataReceived += (_, line) => api.Append(line.Data);
        api._process.BeginOutputReadLine();
        api._process.BeginErrorReadLine();
        await api.WaitUntilHealthyAsync();
        return api;
    }

    // SIGKILL: the replica vanishes mid-request, as in a crash.
    public void Kill() => _process.Kill();

    // SIGTERM: the replica is asked to stop, as by an orchestrator; returns its exit code.
    public async Task<int> TerminateAsync(TimeSpan patience)
    {
        await Signals.SendAsync(_process.Id, "TERM");
        using var timeout = new CancellationTokenSource(patience);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartPatience;
        while (true)
        {
            Assert.False(_process.HasExited, $"The API exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Output}");
            try
            {
                using var reply = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (reply.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"The API at {Address} is not healthy:\n{Output}");
            await Task.Delay(100);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
