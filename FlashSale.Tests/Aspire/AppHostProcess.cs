using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Aspire;

// FlashSale.AppHost as ./start.sh runs it (`dotnet FlashSale.AppHost.dll` with the launch profile's environment),
// a process of its own whose console the test reads, on local executables, in a data folder of its own. The dashboard
// gets free ports instead of the profile's fixed ones, so that it runs beside any other stack. Every process it
// starts inherits a marker, so the test can tell whether any is left behind. Disposing stops it (SIGTERM, then
// SIGKILL of whatever is left) and deletes the data folder it made.
public sealed class AppHostProcess : IAsyncDisposable
{
    private const string MarkerVariable = "FLASHSALE_TEST_APPHOST";

    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly bool _ownsDataDirectory;
    private readonly Process _process;
    private readonly ConsoleText _output = new();
    private readonly ConsoleText _error = new();

    private AppHostProcess(string dataDirectory, bool ownsDataDirectory, IEnumerable<string> settings)
    {
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        Dashboard = new Uri($"http://localhost:{FreePort()}");
        // `dotnet run --project FlashSale.AppHost` runs the build output in the project's folder, where appsettings.json is.
        // Ctrl-C reaches it as in a terminal: a suite run in the background of a non-interactive shell (a CI job,
        // `./test.sh &`) passes SIGINT on ignored, .NET keeps an inherited SIGINT ignored, and the AppHost would never
        // hear the test's Ctrl-C. `env --default-signal` (GNU coreutils) restores it and then runs dotnet in its place.
        var start = new ProcessStartInfo("env")
        {
            WorkingDirectory = RepositoryRoot.PathOf("FlashSale.AppHost"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var appHost = Path.Combine(RepositoryRoot.BuildOutputOf("FlashSale.AppHost"), "FlashSale.AppHost.dll");
        foreach (var argument in (string[])["--default-signal=INT", "dotnet", appHost, $"--Stack:DataDirectory={DataDirectory}", "--Stack:Substrate=executables", "--Stack:Port=0", .. settings])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = Dashboard.ToString();
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        ResourceService = new Uri($"http://localhost:{FreePort()}");
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = ResourceService.ToString();
        start.Environment["ASPIRE_DASHBOARD_RESOURCESERVICE_APIKEY"] = ResourceServiceKey;
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment[MarkerVariable] = _marker;

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => _output.Append(e.Data);
        _process.ErrorDataReceived += (_, e) => _error.Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string DataDirectory { get; }

    public Uri Dashboard { get; }

    // The AppHost's gRPC service the dashboard reads resources from, and the key the dashboard calls it with.
    public Uri ResourceService { get; }

    public string ResourceServiceKey { get; } = Guid.NewGuid().ToString("N");

    public string Output => _output.ToString();

    public string Error => _error.ToString();

    public string Console => Output + Error;

    public static AppHostProcess Start(params string[] settings) =>
        new(Path.Combine(Path.GetTempPath(), $"flashsale-apphost-{Guid.NewGuid():N}"), ownsDataDirectory: true, settings);

    // On a data folder the test owns, e.g. to start again on what an earlier AppHost left there.
    public static AppHostProcess StartOn(string dataDirectory, params string[] settings) => new(dataDirectory, ownsDataDirectory: false, settings);

    // The exit code once it exits by itself, or null when it still runs after the tests' patience.
    public async Task<int?> ExitCodeAsync()
    {
        using var timeout = new CancellationTokenSource(Waiting.Patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    // Ctrl-C, as in the terminal that runs ./start.sh.
    public Task InterruptAsync() => Signals.SendAsync(_process.Id, "INT");

    // Waits until its console holds a line that `matches`; fails with the console so far, at once if it exits.
    public async Task<string> LineAsync(Func<string, bool> matches, TimeSpan? patience = null)
    {
        var line = await Waiting.ReadUntilAsync(() => Task.FromResult(Lines(Console).FirstOrDefault(matches)), found =>
        {
            Assert.False(found is null && _process.HasExited, $"The AppHost exited without saying it:\n{Console}");
            return found is null ? $"The AppHost has not said it:\n{Console}" : null;
        }, patience);
        return line!;
    }

    // What the ready report says after a label ("API", "admin API key"), once the stack is ready: that takes as long
    // as the whole stack takes to start, which the fixtures allow Servers.StartTimeout for.
    public async Task<string> ReportedAsync(string label)
    {
        var line = await LineAsync(line => line.TrimStart().StartsWith(label + " ", StringComparison.Ordinal), Servers.StartTimeout);
        return line.TrimStart()[label.Length..].TrimStart().Split(' ')[0];
    }

    // Until no process it started runs any more (the orchestrator stops them after it is told to stop); fails with
    // those left.
    public Task WaitUntilNothingIsLeftAsync() => Waiting.Eventually(() =>
        ProcessesLeft() is { Count: > 0 } left ? $"The AppHost left {left.Count} processes running:\n{string.Join('\n', left)}" : null);

    public static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r'));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await Signals.SendAsync(_process.Id, "TERM");
            if (await ExitCodeAsync() is null)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        try
        {
            await WaitUntilNothingIsLeftAsync();
        }
        catch (Xunit.Sdk.XunitException)
        {
            // Whatever is left must not outlive the test (a test that promises nothing is left checks it itself).
            foreach (var pid in ProcessesLeft().Select(line => int.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)))
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            }
        }

        _process.Dispose();
        if (_ownsDataDirectory)
        {
            DeleteFolder(DataDirectory);
        }
    }

    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // The process of a resource that runs with an environment variable, e.g. FlashSale__ReplicaName=api-1.
    public int ProcessIdWith(string variable) =>
        ProcessesLeft().Select(line => line.Split(' ')[0]).Select(int.Parse)
            .Single(pid => Environment(pid).Split('\0').Contains(variable));

    // A process of this AppHost carries the marker in its environment, except one that overwrites its own
    // environment (redis-server sets its title there): that one runs in the data folder.
    private List<string> ProcessesLeft()
    {
        var left = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc").Where(folder => Path.GetFileName(folder).All(char.IsAsciiDigit)))
        {
            try
            {
                var environment = Environment(int.Parse(Path.GetFileName(folder), System.Globalization.CultureInfo.InvariantCulture));
                var workingDirectory = new DirectoryInfo(Path.Combine(folder, "cwd")).ResolveLinkTarget(returnFinalTarget: false)?.FullName ?? "";
                if (environment.Contains($"{MarkerVariable}={_marker}", StringComparison.Ordinal)
                    || workingDirectory.StartsWith(DataDirectory, StringComparison.Ordinal))
                {
                    left.Add($"{Path.GetFileName(folder)} {File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ')}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process ended while it was read
            }
        }

        return left;
    }

    private static string Environment(int pid) => File.ReadAllText($"/proc/{pid}/environ");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
