using System.Text.RegularExpressions;

namespace FlashSale.AppHost.Monitoring;

// Stack:TestAlertDelay applied to the copies a run uses (the repository's files keep the production values):
// every alert rule's for:, and every group_wait and group_interval of Alertmanager's routes.
public static partial class TestAlertDelay
{
    public static string OfRules(string rules, string? delay) =>
        delay is null ? rules : For().Replace(rules, match => match.Groups[1].Value + delay);

    public static string OfAlertmanager(string config, string? delay) =>
        delay is null ? config : Grouping().Replace(config, match => match.Groups[1].Value + delay);

    [GeneratedRegex(@"^(\s+for:\s*)\S+", RegexOptions.Multiline)]
    private static partial Regex For();

    [GeneratedRegex(@"^(\s+(?:group_wait|group_interval):\s*)\S+", RegexOptions.Multiline)]
    private static partial Regex Grouping();
}
