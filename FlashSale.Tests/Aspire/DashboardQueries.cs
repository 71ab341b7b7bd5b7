using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Aspire;

// The PromQL of every panel of grafana/dashboards/flashsale.json, with Grafana's variables filled in, and of the
// README's golden signals.
public static partial class DashboardQueries
{
    public static List<string> Read()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.PathOf("grafana", "dashboards", "flashsale.json")));
        return Panels(dashboard.RootElement)
            .Where(panel => panel.TryGetProperty("targets", out _))
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Where(target => target.TryGetProperty("expr", out _))
            .Select(target => target.GetProperty("expr").GetString()!
                .Replace("$instance", ".*", StringComparison.Ordinal)
                .Replace("$__rate_interval", "1m", StringComparison.Ordinal))
            .Distinct()
            .ToList();
    }

    // The queries of the README's "Golden signals without Grafana": each line of its promql block but the comments.
    public static List<string> ReadFromReadme()
    {
        var readme = File.ReadAllText(RepositoryRoot.PathOf("README.md"));
        var section = readme[readme.IndexOf("### Golden signals without Grafana", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```promql", StringComparison.Ordinal) + "```promql".Length)..];
        return [.. block[..block.IndexOf("```", StringComparison.Ordinal)]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))];
    }

    public static async Task<IEnumerable<string>> EmptyAsync(HttpClient prometheus, List<string> queries)
    {
        List<string> empty = [];
        foreach (var query in queries)
        {
            using var reply = await prometheus.GetAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative));
            using var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
            Assert.True(reply.StatusCode == HttpStatusCode.OK, $"Prometheus rejected {query}: {body.RootElement}");
            if (body.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() == 0)
            {
                empty.Add(query);
            }
        }

        return empty;
    }

    // The metric names a query reads. A query ending in "or vector(0)" returns data even when its metric does not
    // exist, so a misspelled name would pass a check of its value: its names are checked one by one instead.
    public static IReadOnlyList<string> MetricNames(string query)
    {
        var bare = Strings().Replace(query, "\"\"");
        bare = Braces().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        return [.. Identifiers().Matches(bare)
            .Where(m => !bare[(m.Index + m.Length)..].TrimStart().StartsWith('(') && !Keywords.Contains(m.Value))
            .Select(m => m.Value)
            .Distinct()];
    }

    // The metric names among `names` of which Prometheus holds no series at all.
    public static async Task<List<string>> UnknownMetricsAsync(HttpClient prometheus, IEnumerable<string> names)
    {
        List<string> unknown = [];
        foreach (var name in names.Distinct())
        {
            using var reply = await prometheus.GetAsync(new Uri("/api/v1/series?match[]=" + Uri.EscapeDataString(name), UriKind.Relative));
            using var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
            Assert.True(reply.StatusCode == HttpStatusCode.OK, $"Prometheus rejected {name}: {body.RootElement}");
            if (body.RootElement.GetProperty("data").GetArrayLength() == 0)
            {
                unknown.Add(name);
            }
        }

        return unknown;
    }

    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"];

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex("\\{[^}]*\\}")]
    private static partial Regex Braces();

    [GeneratedRegex("\\[[^\\]]*\\]")]
    private static partial Regex Ranges();

    [GeneratedRegex("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)")]
    private static partial Regex Grouping();

    [GeneratedRegex("(?<![\\w:.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();

    private static IEnumerable<JsonElement> Panels(JsonElement container)
    {
        if (!container.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            foreach (var nested in Panels(panel))
            {
                yield return nested;
            }
        }
    }
}
