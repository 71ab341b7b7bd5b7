using System.Net;
using System.Text.Json;
using FlashSale.LocalServers;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Integration;

// A real Prometheus, loaded with the repository's config and rules, scrapes an in-test replica on a real
// port; after a burst of traffic every query of every panel of the Grafana dashboard, read from the
// dashboard JSON itself, must return at least one series.
[Collection(ServersCollection.Name)]
public sealed class DashboardTests(Servers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task EveryDashboardQueryReturnsDataFromARealPrometheus()
    {
        var port = FreePort.Next();
        await using var stack = await TestStack.StartAsync(servers, s => s
            .With("FlashSale:AutoStart", "true").With("FlashSale:ItemsPerSale", "50")
            with { KestrelPort = port });
        var config = WritePrometheusConfig(port);
        await using var prometheus = await PrometheusServer.StartAsync(new PrometheusServerOptions
        {
            ConfigFile = config,
            DataDirectory = Path.Combine(Path.GetDirectoryName(config)!, "data"),
        }, CancellationToken.None);

        var api = new FlashSaleClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        var sale = await stack.WaitForCurrentSaleAsync();
        for (var i = 0; i < 5; i++)
        {
            var hold = await api.CheckoutAsync($"dash-{i}", FlashSaleClient.ItemId(sale.Id, i));
            await api.PurchaseAsync(hold.Value?.Code ?? new string('0', 32));
            await api.CheckoutAsync($"dash-{i}", "bad-item");
        }

        using var http = new HttpClient { BaseAddress = prometheus.Url };
        var queries = DashboardQueries();
        Assert.NotEmpty(queries);
        var deadline = DateTime.UtcNow + Patience;
        var empty = queries;
        while (true)
        {
            await api.CheckoutAsync("dash-keepalive", FlashSaleClient.ItemId(sale.Id, 40));
            empty = [.. await FilterEmptyAsync(http, empty)];
            if (empty.Count == 0)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "Dashboard queries without data:\n" + string.Join('\n', empty));
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private static async Task<IEnumerable<string>> FilterEmptyAsync(HttpClient prometheus, List<string> queries)
    {
        List<string> empty = [];
        foreach (var query in queries)
        {
            using var reply = await prometheus.GetAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative));
            using var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
            if (reply.StatusCode != HttpStatusCode.OK)
            {
                Assert.Fail($"Prometheus rejected {query}: {body.RootElement}");
            }

            if (body.RootElement.GetProperty("data").GetProperty("result").GetArrayLength() == 0)
            {
                empty.Add(query);
            }
        }

        return empty;
    }

    private static List<string> DashboardQueries()
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

    private static string WritePrometheusConfig(int apiPort)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"flashsale-prometheus-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(directory, "targets"));
        Directory.CreateDirectory(Path.Combine(directory, "rules"));
        File.Copy(Repository.PathOf("prometheus", "prometheus.yml"), Path.Combine(directory, "prometheus.yml"));
        foreach (var rules in Directory.GetFiles(Repository.PathOf("prometheus", "rules")))
        {
            File.Copy(rules, Path.Combine(directory, "rules", Path.GetFileName(rules)));
        }

        File.WriteAllText(Path.Combine(directory, "targets", "test.json"), $$$"""[{"targets":["127.0.0.1:{{{apiPort}}}"],"labels":{"replica":"test"}}]""");
        return Path.Combine(directory, "prometheus.yml");
    }
}
