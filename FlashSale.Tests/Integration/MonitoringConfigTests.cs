using System.Diagnostics;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Integration;

// promtool is Prometheus's own checker: the config, the rules and the rules' unit tests must all pass it.
public sealed class MonitoringConfigTests
{
    [Theory]
    [InlineData("check", "config", "prometheus/prometheus.yml")]
    [InlineData("check", "rules", "prometheus/rules/flashsale-alerts.yml", "prometheus/rules/flashsale-recording.yml")]
    [InlineData("test", "rules", "prometheus/rules/flashsale-alerts.test.yml")]
    public async Task PromtoolAcceptsTheMonitoringConfig(params string[] arguments)
    {
        var promtool = "promtool"; // from Debian's prometheus package, on PATH
        var start = new ProcessStartInfo(promtool) { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', arguments)} failed:\n{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }
}
