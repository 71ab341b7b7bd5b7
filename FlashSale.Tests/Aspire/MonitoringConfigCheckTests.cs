extern alias AppHost;

using FlashSale.Tests.Infrastructure;
using MonitoringConfigCheck = AppHost::FlashSale.AppHost.Monitoring.MonitoringConfigCheck;
using MonitoringSources = AppHost::FlashSale.AppHost.Monitoring.MonitoringSources;
using StackException = AppHost::FlashSale.AppHost.StackException;

namespace FlashSale.Tests.Aspire;

// A broken monitoring file stops the AppHost's start in one line naming the file and the tool's reason, before
// anything starts (the AppHost prints a StackException's message as that line and exits 2). Run on copies of the
// repository's files, one of them broken.
public sealed class MonitoringConfigCheckTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("flashsale-monitoring-").FullName;
    private readonly MonitoringSources _sources;

    public MonitoringConfigCheckTests()
    {
        foreach (var folder in (string[])["prometheus", "alertmanager"])
        {
            foreach (var file in Directory.EnumerateFiles(RepositoryRoot.PathOf(folder), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(_copy, Path.GetRelativePath(RepositoryRoot.FullPath, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        _sources = new MonitoringSources(Path.Combine(_copy, "prometheus"), Path.Combine(_copy, "grafana"), Path.Combine(_copy, "alertmanager"));
    }

    [Fact]
    public void TheRepositorysConfigurationPasses() => MonitoringConfigCheck.Run(_sources);

    [Fact]
    public void ABrokenAlertRuleStopsTheStartNamingTheConfigurationAndTheRule()
    {
        var rules = Path.Combine(_sources.PrometheusRules, "flashsale-alerts.yml");
        File.WriteAllText(rules, File.ReadAllText(rules).Replace("expr: up{job=\"flashsale\"} == 0", "expr: up{job=\"flashsale\" == 0", StringComparison.Ordinal));

        var line = Assert.Throws<StackException>(() => MonitoringConfigCheck.Run(_sources)).Message;

        Assert.DoesNotContain('\n', line);
        Assert.Contains(_sources.PrometheusConfig, line, StringComparison.Ordinal);
        Assert.Contains("FlashSaleInstanceDown", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenAlertmanagerRouteStopsTheStartNamingTheFileAndWhy()
    {
        File.WriteAllText(_sources.AlertmanagerConfig, File.ReadAllText(_sources.AlertmanagerConfig).Replace("  receiver: alert-receiver", "  receiver: nobody", StringComparison.Ordinal));

        var line = Assert.Throws<StackException>(() => MonitoringConfigCheck.Run(_sources)).Message;

        Assert.DoesNotContain('\n', line);
        Assert.Contains(_sources.AlertmanagerConfig, line, StringComparison.Ordinal);
        Assert.Contains("undefined receiver \"nobody\"", line, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_copy, recursive: true);
}
