using System.Net;
using System.Text.Json;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Aspire;

// The PromQL of every panel of grafana/dashboards/flashsale.json, with Grafana's variables filled in.
public static class DashboardQueries
{
    public static List<string> Read()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("grafana", "dashboards", "flashsale.json")));
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
