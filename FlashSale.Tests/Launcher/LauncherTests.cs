using System.Diagnostics;
using System.Text.Json;
using FlashSale.LocalServers;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Launcher;

// Runs the real launcher (as ./start.sh does) on free ports and a throw-away data folder.
public sealed class LauncherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task LauncherServesTwoScrapedReplicasAndLeavesNothingBehindOnSigterm()
    {
        var data = Path.Combine(Path.GetTempPath(), $"flashsale-launcher-{Guid.NewGuid():N}");
        var (port, prometheusPort) = (FreePort.Next(), FreePort.Next());
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Repository.PathOf("FlashSale.Launcher", "bin", configuration, "net10.0", "FlashSale.Launcher.dll"),
            "--port", $"{port}", "--prometheus-port", $"{prometheusPort}", "--postgres-port", $"{FreePort.Next()}",
            "--redis-port", $"{FreePort.Next()}", "--grafana-port", $"{FreePort.Next()}", "--data", data, "--replicas", "2",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FlashSale__ItemsPerSale"] = "100";
        using var launcher = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        launcher.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains("FlashSale is ready", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        launcher.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(Patience);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var replicas = new HashSet<string>();
            for (var i = 0; i < 20 && replicas.Count < 2; i++)
            {
                using var reply = await http.GetAsync(new Uri("/health", UriKind.Relative));
                Assert.True(reply.IsSuccessStatusCode, await reply.Content.ReadAsStringAsync());
                replicas.Add(reply.Headers.GetValues("X-FlashSale-Replica").Single());
            }

            Assert.Equal(["api-1", "api-2"], replicas.Order());
            await WaitForSaleAsync(http);
            await ShopperJourney.BuyAnAvailableItemAsync(new FlashSaleClient(http), $"launcher-{Guid.NewGuid():N}"[..20]);
            await WaitForTargetsUpAsync(prometheusPort);
        }
        catch (Exception exception) when (exception is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException("Launcher output:\n" + string.Join('\n', output), exception);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", $"{launcher.Id}"]))
            {
                await kill.WaitForExitAsync();
            }

            await launcher.WaitForExitAsync().WaitAsync(Patience);
        }

        Assert.Equal(0, launcher.ExitCode);
        Assert.Empty(ProcessesMentioning(data));
        Directory.Delete(data, recursive: true);
    }

    private static async Task WaitForSaleAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!(await http.GetAsync(new Uri("/sales/current", UriKind.Relative))).IsSuccessStatusCode)
        {
            Assert.True(DateTime.UtcNow < deadline, "No sale was opened by the replicas");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForTargetsUpAsync(int prometheusPort)
    {
        using var prometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}") };
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var targets = JsonDocument.Parse(await prometheus.GetStringAsync(new Uri("/api/v1/targets", UriKind.Relative)));
            var flashsale = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Where(t => t.GetProperty("labels").GetProperty("job").GetString() == "flashsale").ToList();
            if (flashsale.Count == 2 && flashsale.All(t => t.GetProperty("health").GetString() == "up"))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Prometheus targets: {targets.RootElement.GetProperty("data")}");
            await Task.Delay(500);
        }
    }

    // Every process whose command line names the launcher's data folder: PostgreSQL, Redis, Prometheus, replicas.
    private static List<string> ProcessesMentioning(string data) =>
        Directory.GetDirectories("/proc")
            .Where(dir => int.TryParse(Path.GetFileName(dir), out _))
            .Select(dir =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                }
                catch (IOException)
                {
                    return "";
                }
                catch (UnauthorizedAccessException)
                {
                    return "";
                }
            })
            .Where(commandLine => commandLine.Contains(data, StringComparison.Ordinal))
            .ToList();
}
