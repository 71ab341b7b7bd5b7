using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using static FlashSale.Tests.Aspire.DashboardTelemetry;
using static FlashSale.Tests.Infrastructure.Waiting;

namespace FlashSale.Tests.Aspire;

// What a user of `./start.sh` gets, proven through the AppHost itself.
[Collection(AspireStack.Collection)]
public sealed class AppHostTests(AspireStack stack)
{
    [Fact]
    public async Task ShopperBuysThroughTheStableAddressAndRequestsSpreadOverTheReplicas()
    {
        var api = new FlashSaleClient(stack.Client("api"));
        await api.CurrentSaleOnceAsync();

        var receipt = await ShopperJourney.BuyAnAvailableItemAsync(api, $"aspire-{Guid.NewGuid():N}"[..20]);
        Assert.True(receipt.PurchaseId > 0);

        var served = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            using var reply = await api.Http.GetAsync(new Uri("/sales/current", UriKind.Relative));
            served.Add(reply.Headers.GetValues("X-FlashSale-Replica").Single());
        }

        Assert.Equal(AspireStack.ReplicaNames.Order(), served.Order());
    }

    // Through the stable address too, an over-long URL or header block reaches a replica and is refused as problem+json.
    [Theory]
    [InlineData("POST /checkout?user_id=", 100_000, " HTTP/1.1\r\n", 414, "uri_too_long")]
    [InlineData("GET /sales/current HTTP/1.1\r\nX-Big: ", 40_000, "\r\n", 431, "headers_too_large")]
    public async Task OversizedRequestsThroughTheGatewayGetTheReplicasProblemJson(string start, int length, string end, int status, string code)
    {
        using var api = stack.Client("api");

        var answer = await RawHttp.SendAsync(api.BaseAddress!, $"{start}{new string('a', length)}{end}Host: localhost\r\nConnection: close\r\n\r\n");

        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.Headers["Content-Type"]);
        Assert.Contains(answer.Headers["X-FlashSale-Replica"], AspireStack.ReplicaNames);
        Assert.Contains($"\"code\":\"{code}\"", answer.Body, StringComparison.Ordinal);
    }

    // The dashboard links Prometheus's targets and alerts pages where this Prometheus serves them (Debian's build
    // only under /classic/), and each link opens its page.
    [Fact]
    public async Task PrometheusTargetsAndAlertsPagesAreLinkedWhereTheyAnswer()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var resource = await stack.App.ResourceNotifications.WaitForResourceAsync("prometheus",
            update => update.Snapshot.Urls.Count(url => url.DisplayProperties.DisplayName.StartsWith("Prometheus ", StringComparison.Ordinal)) == 2,
            timeout.Token);
        var pages = resource.Snapshot.Urls.Where(url => url.DisplayProperties.DisplayName.StartsWith("Prometheus ", StringComparison.Ordinal)).ToList();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (name, path) in new[] { ("Prometheus targets", "/targets"), ("Prometheus alerts", "/alerts") })
        {
            var page = Assert.Single(pages, url => url.DisplayProperties.DisplayName == name);
            Assert.EndsWith(path, page.Url, StringComparison.Ordinal);
            using var answer = await http.GetAsync(new Uri(page.Url));
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{page.Url} answered {(int)answer.StatusCode}");
            Assert.Contains("<html", await answer.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task PrometheusScrapesEveryReplicaAsItsOwnTargetNamedAfterIt()
    {
        using var prometheus = stack.Client("prometheus");
        await Eventually(async () =>
        {
            using var targets = JsonDocument.Parse(await prometheus.GetStringAsync(new Uri("/api/v1/targets?state=active", UriKind.Relative)));
            var flashsale = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Where(t => t.GetProperty("labels").GetProperty("job").GetString() == "flashsale")
                .Select(t => (Instance: t.GetProperty("labels").GetProperty("instance").GetString(), Health: t.GetProperty("health").GetString()))
                .ToList();
            var up = flashsale.Where(t => t.Health == "up").Select(t => t.Instance!).Order();
            return up.SequenceEqual(AspireStack.ReplicaNames.Order()) && flashsale.Count == AspireStack.ReplicaNames.Length
                ? null
                : "flashsale targets: " + string.Join(", ", flashsale.Select(t => $"{t.Instance} {t.Health}"));
        });
    }

    // PostgreSQL and Redis are each a job of their own, scraped through their exporter under the server's name, and
    // each exporter reaches its server; the Aspire dashboard links each exporter's metrics page.
    [Theory]
    [InlineData("postgres", "postgres-exporter", "pg_up 1")]
    [InlineData("redis", "redis-exporter", "redis_up 1")]
    public async Task PrometheusScrapesEachServerThroughItsExporterAsAJobNamedAfterIt(string server, string exporter, string reached)
    {
        using var prometheus = stack.Client("prometheus");
        await Eventually(async () =>
        {
            using var targets = JsonDocument.Parse(await prometheus.GetStringAsync(new Uri("/api/v1/targets?state=active", UriKind.Relative)));
            var job = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Where(t => t.GetProperty("labels").GetProperty("job").GetString() == server)
                .Select(t => (Instance: t.GetProperty("labels").GetProperty("instance").GetString(), Health: t.GetProperty("health").GetString()))
                .ToList();
            return job is [(var instance, "up")] && instance == server ? null : $"{server} targets: " + string.Join(", ", job.Select(t => $"{t.Instance} {t.Health}"));
        });

        using var timeout = new CancellationTokenSource(Patience);
        var resource = await stack.App.ResourceNotifications.WaitForResourceAsync(exporter,
            update => update.Snapshot.Urls.Any(url => url.Url.EndsWith("/metrics", StringComparison.Ordinal)), timeout.Token);
        var metrics = resource.Snapshot.Urls.First(url => url.Url.EndsWith("/metrics", StringComparison.Ordinal));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Contains(reached, (await http.GetStringAsync(new Uri(metrics.Url))).Split('\n'));
    }

    // Every query of every panel of the Grafana dashboard, read from its JSON, returns data from the AppHost's Prometheus.
    [Fact]
    public Task EveryDashboardQueryReturnsDataFromTheAppHostsPrometheus() => EveryQueryReturnsDataAsync(DashboardQueries.Read(), "Dashboard");

    // The README's PromQL for a machine without Grafana, each line pasted into Prometheus as written.
    [Fact]
    public Task EveryGoldenSignalQueryOfTheReadmeReturnsDataFromTheAppHostsPrometheus() =>
        EveryQueryReturnsDataAsync(DashboardQueries.ReadFromReadme(), "README");

    private async Task EveryQueryReturnsDataAsync(List<string> queries, string source)
    {
        var api = new FlashSaleClient(stack.Client("api"));
        var sale = await api.CurrentSaleOnceAsync();
        using var prometheus = stack.Client("prometheus");
        Assert.NotEmpty(queries);

        var empty = queries;
        await Eventually(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                var user = $"dash-{Guid.NewGuid():N}"[..16];
                var hold = await api.CheckoutAsync(user, FlashSaleClient.ItemId(sale.Id, Random.Shared.Next(sale.TotalItems)));
                await api.PurchaseAsync(hold.Value?.Code ?? new string('0', 32));
                await api.CheckoutAsync(user, "bad-item");
            }

            empty = [.. await DashboardQueries.EmptyAsync(prometheus, empty)];
            return empty.Count == 0 ? null : $"{source} queries without data:\n" + string.Join('\n', empty);
        });

        // A query with a fallback ("or vector(0)") returns data whatever its metric: each metric name must exist.
        List<string> unknown = [.. queries.SelectMany(DashboardQueries.MetricNames).Distinct()];
        await Eventually(async () =>
        {
            unknown = await DashboardQueries.UnknownMetricsAsync(prometheus, unknown);
            return unknown.Count == 0 ? null : $"Metrics the {source} reads that Prometheus has no series of:\n" + string.Join('\n', unknown);
        });
    }

    [Fact]
    public async Task ACheckoutIsOneTraceWithPostgresAndRedisSpansAndLogsCarryTheirTraceInTheAspireDashboard()
    {
        var api = new FlashSaleClient(stack.Client("api"));
        var sale = await api.CurrentSaleOnceAsync();
        // A few checkouts a second apart: each replica records a bounded number of new traces a second (the attempts'
        // batch is a trace of its own), so one checkout's batch may fall outside its second's budget.
        for (var i = 0; i < 3; i++)
        {
            await api.CheckoutAnAvailableItemAsync(sale.Id, $"trace-{Guid.NewGuid():N}"[..18]);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        using var dashboard = new DashboardTelemetry(stack.Dashboard);
        await Eventually(async () =>
        {
            using var spans = await dashboard.ReadAsync("spans");
            var all = Objects(spans.RootElement, "spanId").Where(span => span.TryGetProperty("name", out _)).ToList();
            var checkouts = all.Where(span => span.GetProperty("name").GetString()!.Contains("/checkout", StringComparison.Ordinal))
                .Select(span => span.GetProperty("traceId").GetString()!)
                .ToHashSet();
            // The checkout's own trace holds its Redis script; its attempt is stored by a batch that is a trace of
            // its own, linked to every checkout it carries, unless PostgreSQL also served the request itself.
            var postgres = all.Where(span => IsDatabaseSpan(span, "postgresql")).Select(Trace).ToHashSet();
            var links = all.Where(span => span.TryGetProperty("links", out var list) && list.ValueKind == JsonValueKind.Array)
                .SelectMany(span => span.GetProperty("links").EnumerateArray().Select(link => (From: Trace(span), To: Trace(link))))
                .ToList();
            var complete = checkouts.FirstOrDefault(trace =>
                all.Any(span => Trace(span) == trace && IsDatabaseSpan(span, "redis"))
                && (postgres.Contains(trace) || links.Any(link => link.To == trace && postgres.Contains(link.From))));
            return complete is not null ? null : $"no checkout trace with PostgreSQL and Redis spans yet among {checkouts.Count} checkout traces, {all.Count} spans";
        });

        // The Traces page names a trace after its first span, the gateway's: it carries the API's route, so a
        // filter on "checkout" finds the checkout.
        await Eventually(async () =>
        {
            using var spans = await dashboard.ReadAsync("spans");
            var gateway = SpanNamesOf(spans.RootElement, "api").ToHashSet();
            return gateway.Contains("POST /checkout") ? null : $"no gateway span named POST /checkout among {string.Join(", ", gateway.Take(10))}";
        });

        // The API's log lines carry the trace they were written in (the sale's preparation logs inside its own trace).
        await Eventually(async () =>
        {
            using var logs = await dashboard.ReadAsync("logs");
            var withTrace = Objects(logs.RootElement, "severityNumber")
                .Count(log => log.TryGetProperty("traceId", out var trace) && trace.GetString() is { Length: > 0 });
            return withTrace > 0 ? null : "no log record of the API carries a trace id";
        });
    }

    // A checkout's latency carries its trace as an exemplar: Prometheus stores it with the checkout's histogram
    // bucket, and the trace it names is in the Aspire dashboard (where Grafana's latency panel links it).
    [Fact]
    public async Task ACheckoutsLatencyExemplarInPrometheusNamesATraceTheAspireDashboardHolds()
    {
        var api = new FlashSaleClient(stack.Client("api"));
        var sale = await api.CurrentSaleOnceAsync();
        using var prometheus = stack.Client("prometheus");
        var traces = new HashSet<string>();
        await Eventually(async () =>
        {
            await api.CheckoutAnAvailableItemAsync(sale.Id, $"exemplar-{Guid.NewGuid():N}"[..18]);
            traces.UnionWith(await CheckoutExemplarTracesAsync(prometheus));
            return traces.Count > 0 ? null : "Prometheus holds no exemplar of a checkout's request duration";
        });

        using var dashboard = new DashboardTelemetry(stack.Dashboard);
        await Eventually(async () =>
        {
            using var spans = await dashboard.ReadAsync("spans");
            var checkouts = Objects(spans.RootElement, "spanId")
                .Where(span => traces.Contains(Trace(span)) && span.TryGetProperty("name", out var name)
                    && name.GetString()!.Contains("/checkout", StringComparison.Ordinal));
            return checkouts.Any() ? null : $"no checkout span of the exemplars' traces ({string.Join(", ", traces)}) in the Aspire dashboard";
        });
    }

    private static async Task<IEnumerable<string>> CheckoutExemplarTracesAsync(HttpClient prometheus)
    {
        var query = Uri.EscapeDataString("http_request_duration_seconds_bucket{job=\"flashsale\", handler=\"/checkout\"}");
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var reply = JsonDocument.Parse(await prometheus.GetStringAsync(
            new Uri($"/api/v1/query_exemplars?query={query}&start={end - 600}&end={end + 60}", UriKind.Relative)));
        return [.. reply.RootElement.GetProperty("data").EnumerateArray()
            .SelectMany(series => series.GetProperty("exemplars").EnumerateArray())
            .Select(exemplar => exemplar.GetProperty("labels").TryGetProperty("trace_id", out var trace) ? trace.GetString()! : "")
            .Where(trace => trace.Length > 0)];
    }

    [Fact]
    public async Task ASecondAppHostOnTheSameDataRefusesAtOnceAndLeavesTheRunningOneAlone()
    {
        var appHost = Path.Combine(Path.GetDirectoryName(typeof(AppHostTests).Assembly.Location)!, "FlashSale.AppHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[appHost, $"--Stack:DataDirectory={stack.DataDirectory}", "--Stack:Substrate=executables"])
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var second = Process.Start(start)!;
        var output = second.StandardOutput.ReadToEndAsync();
        var error = await second.StandardError.ReadToEndAsync();
        if (!second.WaitForExit(Patience))
        {
            second.Kill(entireProcessTree: true);
            Assert.Fail("The second AppHost did not refuse; it was killed");
        }

        Assert.Equal(2, second.ExitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("already running", line, StringComparison.Ordinal);
        Assert.Contains(stack.DataDirectory, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Distributed application starting", await output, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refused after {clock.Elapsed}");

        using var health = await stack.Client("api").GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    // db.system (older semantic conventions) or db.system.name (newer) names the database a span talked to.
    private static bool IsDatabaseSpan(JsonElement span, string system) =>
        span.TryGetProperty("attributes", out var attributes) && attributes.EnumerateArray().Any(attribute =>
            attribute.GetProperty("key").GetString() is "db.system" or "db.system.name"
            && attribute.GetProperty("value").TryGetProperty("stringValue", out var text) && text.GetString() == system);

    // The names of the spans a service (its OpenTelemetry service.name) sent, from the dashboard's OTLP JSON.
    private static IEnumerable<string> SpanNamesOf(JsonElement telemetry, string service) =>
        Objects(telemetry, "scopeSpans")
            .Where(resourceSpans => resourceSpans.TryGetProperty("resource", out var resource)
                && Objects(resource, "key").Any(attribute => attribute.GetProperty("key").GetString() == "service.name"
                    && attribute.GetProperty("value").TryGetProperty("stringValue", out var name) && name.GetString() == service))
            .SelectMany(resourceSpans => Objects(resourceSpans.GetProperty("scopeSpans"), "spanId"))
            .Select(span => span.GetProperty("name").GetString()!);
}
