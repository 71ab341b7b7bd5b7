using System.Collections.Concurrent;
using System.Diagnostics;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using FlashSale.Tests.Scenarios;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FlashSale.Tests.Integration;

// Alone, after the other collections: the trace budget these tests count is the whole test process's.
[Collection(SoloServersCollection.Name)]
public sealed class TracingTests(Servers servers)
{
    [Fact]
    public async Task CheckoutAndPurchaseEachMakeOneTraceWithPostgresAndRedisSpans()
    {
        var spans = new RecordedSpans();
        await using var stack = await StartTracedAsync(spans);
        var sale = await stack.OpenSaleAsync(5);

        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        var checkout = await ServerSpanAsync(spans, "/checkout");
        var checkoutTrace = spans.Where(s => s.TraceId == checkout.TraceId).ToList();
        Assert.Contains(checkoutTrace, s => s.Source.Name == "FlashSale.Redis" && s.DisplayName == "redis checkout_hold" && DescendsFrom(s, checkout, checkoutTrace));
        var redisEndpoint = stack.Settings.Redis.Split(',')[0];
        Assert.All(checkoutTrace.Where(s => s.Source.Name == "FlashSale.Redis"), s =>
            Assert.Equal(redisEndpoint, $"{s.GetTagItem("server.address")}:{s.GetTagItem("server.port")}"));
        Assert.Contains(checkoutTrace, s => s.Source.Name == "Npgsql" && DescendsFrom(s, checkout, checkoutTrace));
        var attemptsWrite = await BatchLinkedToAsync(spans, "checkout_attempts write", checkout);
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && s.ParentSpanId == attemptsWrite.SpanId);

        (await stack.Api.PurchaseAsync(hold.Code)).Ok();
        var purchase = await ServerSpanAsync(spans, "/purchase");
        var purchaseTrace = spans.Where(s => s.TraceId == purchase.TraceId).ToList();
        Assert.DoesNotContain(purchaseTrace, s => s.DisplayName == "redis GET"); // PostgreSQL decides a first purchase
        Assert.Contains(purchaseTrace, s => s.DisplayName == "redis purchase_committed" && s.ParentSpanId == purchase.SpanId);
        var redeem = await BatchLinkedToAsync(spans, "purchases redeem", purchase);
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && s.ParentSpanId == redeem.SpanId);
        Assert.NotEqual(checkout.TraceId, purchase.TraceId);
    }

    // Each layer traces what it owns, once: Npgsql's commands through Aspire's Npgsql integration, Redis commands
    // and scripts through FlashSale.Redis (Aspire's Redis instrumentation would trace each a second time).
    [Fact]
    public async Task EachCommandOfACheckoutIsTracedOnce()
    {
        using var redisInstrumentation = new ActivitySource(RedisInstrumentationSource);
        var spans = new RecordedSpans();
        await using var stack = await StartTracedAsync(spans);
        var sale = await stack.OpenSaleAsync(5);

        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        var checkout = await ServerSpanAsync(spans, "/checkout");
        var attemptsWrite = await BatchLinkedToAsync(spans, "checkout_attempts write", checkout);
        var traced = spans.Where(s => s.TraceId == checkout.TraceId || s.TraceId == attemptsWrite.TraceId).ToList();

        var commands = traced.Where(s => s.Source.Name == "Npgsql").ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands.GroupBy(s => (s.ParentSpanId, s.DisplayName, Text: s.GetTagItem("db.query.text"))), command => Assert.Single(command));
        var redis = traced.Where(IsRedisSpan).ToList();
        Assert.NotEmpty(redis);
        Assert.All(redis, s => Assert.Equal("FlashSale.Redis", s.Source.Name));
        Assert.False(redisInstrumentation.HasListeners(), $"Something traces {RedisInstrumentationSource}: each Redis command would be traced twice.");
    }

    // Background commands (gauge refreshes, health probes) would each be a root trace every few seconds.
    [Fact]
    public async Task OnlyCommandsInsideARequestOrBatchAreTraced()
    {
        var spans = new RecordedSpans();
        await using var stack = await StartTracedAsync(spans);
        var database = stack.Host.Services.GetRequiredService<NpgsqlDataSource>();
        using var parent = new ActivitySource("FlashSale.Tests.Tracing");
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == parent.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var previous = Activity.Current;
        Activity.Current = null;
        await using (var outside = database.CreateCommand("select 'outside any activity'"))
        {
            await outside.ExecuteScalarAsync();
        }

        using (parent.StartActivity("request"))
        {
            await using var inside = database.CreateCommand("select 'inside an activity'");
            await inside.ExecuteScalarAsync();
        }

        Activity.Current = previous;
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && Equals(s.GetTagItem("db.query.text"), "select 'inside an activity'"));
        Assert.DoesNotContain(spans, s => s.Source.Name == "Npgsql" && Equals(s.GetTagItem("db.query.text"), "select 'outside any activity'"));
    }

    private const string RedisInstrumentationSource = "OpenTelemetry.Instrumentation.StackExchangeRedis";

    // A rush records at most Telemetry:MaxTracesPerSecond new traces a second, whatever starts them (requests,
    // batches, new connections), and each trace it records is whole: a checkout's Redis spans come with it. It does
    // record traces: a sampler that drops every trace fails here.
    [Fact]
    public async Task ABurstBeyondTheTraceBudgetRecordsOnlyTheBudgetAndWholeTraces()
    {
        const int Budget = 3;
        var spans = new RecordedSpans();
        await using var stack = await StartTracedAsync(spans, maxTracesPerSecond: Budget);
        var sale = await stack.OpenSaleAsync(100);

        // The sampler's seconds are the Stopwatch's: the burst begins in a new one, whose whole budget its first
        // checkouts find.
        var began = DateTime.UtcNow;
        var burst = Stopwatch.StartNew();
        var second = Stopwatch.GetTimestamp() / Stopwatch.Frequency;
        await Waiting.Eventually(() => Stopwatch.GetTimestamp() / Stopwatch.Frequency > second ? null : "the second has not ended");
        await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
            (await stack.Api.CheckoutAsync($"user{i}", FlashSaleClient.ItemId(sale.Id, i))).Ok()));
        var seconds = burst.Elapsed.TotalSeconds;
        // The last spans end (and are recorded) just after their answers.
        await Waiting.Eventually(() => spans.OpenSince(began) is { Count: > 0 } open
            ? $"{open.Count} spans are still open: {string.Join(", ", open.Take(5).Select(s => s.DisplayName))}"
            : null);

        var roots = spans.Where(s => s.ParentSpanId == default && s.StartTimeUtc >= began).ToList();
        // At least one whole checkout, not the whole budget: a slot of it may go to a root the instrumentation then
        // filters out (a probe, a warm-up request), which the sampler cannot know of.
        Assert.InRange(roots.Count, 1, Budget * (Math.Ceiling(seconds) + 1));
        var checkouts = spans.Where(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), "/checkout")).ToList();
        Assert.InRange(checkouts.Count, 1, roots.Count);
        Assert.All(checkouts, server => Assert.Contains(spans, s => s.TraceId == server.TraceId && s.DisplayName == "redis checkout_hold"));
    }

    // A replica's warm-up runs hundreds of Redis checkouts and a COPY before it is ready: a person looking for a
    // shopper's checkout in the dashboard must not have to page past them.
    [Fact]
    public async Task AReplicasWarmUpLeavesNoTrace()
    {
        var spans = new RecordedSpans();
        await using var stack = await StartTracedAsync(spans, configure: s => s.With("FlashSale:WarmUp", "true"));
        await stack.Api.HealthOnceAsync();
        await stack.WarmUpFinishedAsync();
        var warmedUp = PrometheusText.Parse(await stack.Host.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.True(warmedUp.Sum("redis_command_duration_seconds_count") > 100, "the warm-up ran no Redis command");

        // Its own spans, its COPY and its purchases; the migrations before it are the replica's start, traced.
        var traced = spans.Where(s => s.Source.Name.StartsWith("FlashSale.", StringComparison.Ordinal)
            || (s.GetTagItem("db.query.text") as string ?? "") is var text
                && (text.StartsWith("copy", StringComparison.OrdinalIgnoreCase)
                    || (text.StartsWith("select", StringComparison.OrdinalIgnoreCase) && text.Contains("purchase_batch", StringComparison.Ordinal))))
            .ToList();
        Assert.True(traced.Count == 0, $"{traced.Count} spans of the warm-up, e.g. {string.Join(", ", traced.Take(3).Select(s => $"{s.DisplayName} ({s.Source.Name})"))}");
    }

    // Every trace is recorded (budget 0) unless a test is about the budget: one looking for a request's trace must not
    // lose it to the second's budget, spent on the sale's set-up.
    private Task<TestStack> StartTracedAsync(
        RecordedSpans spans, int maxTracesPerSecond = 0, Func<HostSettings, HostSettings>? configure = null) =>
        TestStack.StartAsync(servers, settings =>
        {
            settings = (configure?.Invoke(settings) ?? settings)
                .With("Telemetry:MaxTracesPerSecond", maxTracesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return settings with
            {
                Services = services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans)),
            };
        });

    private static bool IsRedisSpan(Activity span) =>
        span.Source.Name.Contains("Redis", StringComparison.OrdinalIgnoreCase)
        || span.TagObjects.Any(tag => tag.Key is "db.system" or "db.system.name" && Equals(tag.Value, "redis"));

    // The server span ends (and is exported) just after the client has read the answer: wait for it.
    private static async Task<Activity> ServerSpanAsync(RecordedSpans spans, string route)
    {
        bool IsServerSpan(Activity s) => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.route"), route);
        await Waiting.Eventually(() => spans.Any(IsServerSpan) ? null : $"no server span of {route} among {spans.Count} spans");

        return Assert.Single(spans, IsServerSpan);
    }

    // A batch serves many requests, so it is its own trace, linked to each request it carries. It may end (and be
    // exported) a moment after the request's answer left: wait for it.
    private static async Task<Activity> BatchLinkedToAsync(RecordedSpans spans, string name, Activity request)
    {
        bool IsBatch(Activity s) => s.DisplayName == name && s.Links.Any(l => l.Context.SpanId == request.SpanId);
        await Waiting.Eventually(() => spans.Any(IsBatch) ? null : $"no {name} span linked to {request.DisplayName} among {spans.Count} spans");

        var batch = Assert.Single(spans, IsBatch);
        Assert.NotEqual(request.TraceId, batch.TraceId);
        return batch;
    }

    private static bool DescendsFrom(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }

            parent = trace.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? default;
        }

        return false;
    }

    // The spans a replica records, each as it ends, and those it has started and not yet ended.
    private sealed class RecordedSpans : BaseProcessor<Activity>, IReadOnlyCollection<Activity>
    {
        private readonly ConcurrentQueue<Activity> _ended = new();
        private readonly ConcurrentDictionary<Activity, bool> _open = new();

        public int Count => _ended.Count;

        public override void OnStart(Activity data) => _open[data] = true;

        public override void OnEnd(Activity data)
        {
            _open.TryRemove(data, out _);
            if (data.Recorded)
            {
                _ended.Enqueue(data);
            }
        }

        // Recorded spans started since `since` that have not ended (a span the instrumentation filters out once it
        // started, e.g. /health's, is no longer recorded and never ends here).
        public List<Activity> OpenSince(DateTime since) => [.. _open.Keys.Where(s => s.Recorded && s.StartTimeUtc >= since)];

        public IEnumerator<Activity> GetEnumerator() => _ended.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
