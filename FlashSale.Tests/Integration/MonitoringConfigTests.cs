using System.Diagnostics;
using FlashSale.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FlashSale.Tests.Integration;

// promtool and amtool are Prometheus's and Alertmanager's own checkers: the config, the rules, the rules' unit tests
// and every Alertmanager configuration (the shipped one and each example receiver) must all pass them.
public sealed class MonitoringConfigTests
{
    public static TheoryData<string> AlertmanagerConfigurations => new(
        Directory.EnumerateFiles(RepositoryRoot.PathOf("alertmanager"), "*.yml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepositoryRoot.FullPath, file))
            .Order());

    [Theory]
    [InlineData("check", "config", "prometheus/prometheus.yml")]
    [InlineData("check", "rules", "prometheus/rules/flashsale-alerts.yml", "prometheus/rules/flashsale-recording.yml", "prometheus/rules/flashsale-slo.yml")]
    [InlineData("test", "rules", "prometheus/rules/flashsale-alerts.test.yml")]
    [InlineData("test", "rules", "prometheus/rules/flashsale-slo.test.yml")]
    [InlineData("check", "rules", "prometheus/rules/flashsale-servers.yml")]
    [InlineData("test", "rules", "prometheus/rules/flashsale-servers.test.yml")]
    public Task PromtoolAcceptsTheMonitoringConfig(params string[] arguments) =>
        AcceptsAsync("promtool", arguments); // from Debian's prometheus package, on PATH

    // prometheus.yml names its rule files one by one (a glob would load the unit tests as rules): a rule file left
    // out of the list is never evaluated, and promtool's checks of the config would not notice.
    [Fact]
    public void PrometheusLoadsEveryRuleFileOfTheRulesFolder()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(RepositoryRoot.PathOf("prometheus", "prometheus.yml")))
        {
            yaml.Load(reader);
        }

        var listed = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["rule_files"]).Select(file => file.ToString()).Order();
        var rules = Directory.EnumerateFiles(RepositoryRoot.PathOf("prometheus", "rules"), "*.yml")
            .Where(file => !file.EndsWith(".test.yml", StringComparison.Ordinal))
            .Select(file => "rules/" + Path.GetFileName(file))
            .Order();

        Assert.Equal(rules, listed);
    }

    [Theory]
    [MemberData(nameof(AlertmanagerConfigurations))]
    public Task AmtoolAcceptsTheAlertmanagerConfiguration(string file) =>
        AcceptsAsync("amtool", "check-config", file); // from Debian's prometheus-alertmanager package, on PATH

    private static async Task AcceptsAsync(string checker, params string[] arguments)
    {
        var start = new ProcessStartInfo(checker) { WorkingDirectory = RepositoryRoot.FullPath, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"{checker} {string.Join(' ', arguments)} failed:\n{output}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }
}
