using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class MetricsTests(Servers servers)
{
    public static TheoryData<string, string, string[]> Families => new()
    {
        { "http_request_duration_seconds", "histogram", ["handler", "method", "status_code"] },
        { "http_requests_total", "counter", ["handler", "method", "status_code"] },
        { "checkout_failure_total", "counter", ["reason"] },
        { "purchase_failure_total", "counter", ["reason"] },
        { "db_query_errors_total", "counter", ["query_type", "table"] },
        { "redis_command_errors_total", "counter", ["command"] },
        { "db_connections_active", "gauge", [] },
        { "db_connections_idle", "gauge", [] },
        { "db_connections_max", "gauge", [] },
        { "redis_connections_active", "gauge", [] },
        { "redis_commands_pending", "gauge", [] },
        { "process_memory_limit_bytes", "gauge", [] },
        { "service_health_status", "gauge", ["service"] },
        { "sale_items_total", "gauge", [] },
        { "sale_items_sold", "gauge", [] },
        { "checkout_attempts_total", "counter", [] },
        { "checkout_success_total", "counter", [] },
        { "purchase_attempts_total", "counter", [] },
        { "purchase_success_total", "counter", [] },
        { "db_query_duration_seconds", "histogram", ["query_type", "table"] },
        { "redis_command_duration_seconds", "histogram", ["command"] },
        { "redis_lock_attempts_total", "counter", ["lock_type"] },
        { "redis_lock_success_total", "counter", ["lock_type"] },
        { "redis_lock_failure_total", "counter", ["lock_type", "reason"] },
        { "redis_lock_duration_seconds", "histogram", ["lock_type"] },
    };

    [Fact]
    public async Task EveryFamilyOfTheDesignIsExposedWithItsTypeAndLabels()
    {
        // The scheduler opens the hour's sale under its Redis lock, so lock metrics are real ones.
        await SaleHour.StartAtLeastAsync(TimeSpan.FromSeconds(20));
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:AutoStart", "true").With("FlashSale:ItemsPerSale", "10"));
        var sale = await stack.Api.CurrentSaleOnceAsync();
        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        (await stack.Api.PurchaseAsync(hold.Code)).Ok();
        await stack.Host.CreateClient().GetAsync(new Uri("/health", UriKind.Relative));

        // The stock gauges are refreshed from PostgreSQL every 2 s: wait until they show the purchase.
        var metrics = await Waiting.ReadUntilAsync(() => ScrapeAsync(stack),
            scraped => scraped.Sum("sale_items_sold") == 1 ? null : $"sale_items_sold is {scraped.Sum("sale_items_sold")}, not 1");

        foreach (var family in Families)
        {
            var (name, type, labels) = ((string)family[0], (string)family[1], (string[])family[2]);
            Assert.True(metrics.TypeOf(name) == type, $"{name}: expected a {type}, found {metrics.TypeOf(name) ?? "nothing"}");
            Assert.Equal(labels.Order(), metrics.LabelNamesOf(name).Order());
        }

        Assert.Equal(10, metrics.Sum("sale_items_total"));
        Assert.Equal(1, metrics.Sum("sale_items_sold"));
        Assert.Contains(metrics.SamplesOf("http_requests_total"), s => s.Labels["handler"] == "/sales/{id}/items" || s.Labels["handler"] == "/checkout");
        Assert.DoesNotContain(metrics.SamplesOf("http_requests_total"), s => s.Labels["handler"].Contains("alice", StringComparison.Ordinal));
        Assert.True(metrics.Sum("redis_lock_attempts_total", ("lock_type", "sale_creation")) >= 1);
    }

    [Fact]
    public async Task CountersMoveByExactlyWhatTheFlowDid()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "1"));
        var sale = await stack.OpenSaleAsync(10);
        var before = await ScrapeAsync(stack);

        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        (await stack.Api.CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 0))).Refused(HttpStatusCode.Conflict, "item_reserved");
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        (await stack.Api.CheckoutAsync("bob", "bad")).Refused(HttpStatusCode.BadRequest, "invalid_request");
        (await stack.Api.PurchaseAsync(hold.Code)).Ok();
        (await stack.Api.PurchaseAsync(hold.Code)).Ok();
        (await stack.Api.PurchaseAsync(new string('0', 32))).Refused(HttpStatusCode.NotFound, "code_not_found");
        var after = await ScrapeAsync(stack);

        double Delta(string name, params (string, string)[] where) => after.Sum(name, where) - before.Sum(name, where);
        Assert.Equal(5, Delta("checkout_attempts_total"));
        Assert.Equal(2, Delta("checkout_success_total"));
        Assert.Equal(3, Delta("checkout_failure_total"));
        Assert.Equal(1, Delta("checkout_failure_total", ("reason", "item_reserved")));
        Assert.Equal(1, Delta("checkout_failure_total", ("reason", "user_limit_reached")));
        Assert.Equal(1, Delta("checkout_failure_total", ("reason", "invalid_request")));
        Assert.Equal(3, Delta("purchase_attempts_total"));
        Assert.Equal(1, Delta("purchase_success_total"));
        Assert.Equal(1, Delta("purchase_failure_total", ("reason", "code_not_found")));
        Assert.Equal(5, Delta("http_requests_total", ("handler", "/checkout"), ("method", "POST")));
        Assert.Equal(1, Delta("http_requests_total", ("handler", "/checkout"), ("status_code", "400")));
        Assert.Equal(3, Delta("http_request_duration_seconds_count", ("handler", "/purchase")));
        Assert.True(Delta("redis_command_duration_seconds_count", ("command", "checkout_hold")) >= 4);
        Assert.Equal(2, Delta("redis_command_duration_seconds_count", ("command", "purchase_committed"))); // the repeat's is a no-op
        Assert.Equal(0, Delta("redis_command_duration_seconds_count", ("command", "GET"))); // PostgreSQL answers the repeat
        Assert.True(Delta("db_query_duration_seconds_count", ("query_type", "copy"), ("table", "checkout_attempts")) >= 1);
        Assert.True(Delta("db_query_duration_seconds_count", ("query_type", "function"), ("table", "purchases")) >= 1);
        Assert.Equal(0, Delta("db_query_errors_total"));
        Assert.Equal(0, Delta("redis_command_errors_total"));
    }

    // OpenTelemetry would call the service "unknown_service:dotnet"; Aspire names it through OTEL_SERVICE_NAME.
    [Theory]
    [InlineData(null, "FlashSale.Api")]
    [InlineData("api", "api")]
    public async Task TargetInfoNamesTheService(string? otelServiceName, string expected)
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("OTEL_SERVICE_NAME", otelServiceName));

        var metrics = await ScrapeAsync(stack);

        var target = Assert.Single(metrics.SamplesOf("target_info"));
        Assert.Equal(expected, target.Labels["service_name"]);
        Assert.DoesNotContain("unknown_service", target.Labels["service_name"], StringComparison.Ordinal);
    }

    // In the OpenMetrics exposition Prometheus asks for, a traced checkout's duration carries its trace id as an
    // exemplar, with or without Aspire (which also asks for exemplars through OTEL_METRICS_EXEMPLAR_FILTER). Every
    // request is traced here: other tests' requests in this process may take a trace budget's second.
    [Fact]
    public async Task ATracedCheckoutsDurationCarriesItsTraceIdAsAnExemplar()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("Telemetry:MaxTracesPerSecond", "0"));
        var sale = await stack.OpenSaleAsync(1);
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        using var reply = await stack.Host.CreateClient().SendAsync(request);
        var text = await reply.Content.ReadAsStringAsync();

        Assert.Matches(@"(?m)^http_request_duration_seconds_bucket\{[^}]*handler=""/checkout""[^}]*\} \d+ # \{trace_id=""[0-9a-f]{32}""", text);
    }

    // Npgsql's own metrics come through Aspire's Npgsql integration alone; no family is exposed twice.
    [Fact]
    public async Task NpgsqlMetricsAreExposedAndNoFamilyTwice()
    {
        await using var stack = await TestStack.StartAsync(servers);
        await stack.OpenSaleAsync(1);

        var text = await stack.Host.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative));

        var families = text.Split('\n').Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(line => line.Split(' ')[2]).ToList();
        Assert.Empty(families.GroupBy(name => name).Where(name => name.Count() > 1).Select(name => name.Key));
        Assert.Equal("histogram", PrometheusText.Parse(text).TypeOf("db_client_operation_duration_seconds"));
    }

    private static async Task<PrometheusText> ScrapeAsync(TestStack stack)
    {
        var text = await stack.Host.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return PrometheusText.Parse(text);
    }
}
