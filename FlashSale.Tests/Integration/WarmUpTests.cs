using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FlashSale.Api.Problems;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlashSale.Tests.Integration;

// A replica runs its hot paths before it reports ready and once more after; none of it may reach a sale, a shopper or
// the business metrics.
[Collection(ServersCollection.Name)]
public sealed class WarmUpTests(Servers servers)
{
    [Fact]
    public async Task AReplicaWarmsUpBeforeAndAfterItIsReadyAndLeavesNothingBehind()
    {
        using var warmUpCounts = new WarmUpCounts();
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:WarmUp", "true"));
        await stack.Api.HealthOnceAsync();
        await stack.WarmUpFinishedAsync();

        foreach (var table in (string[])["sales", "checkout_attempts", "purchases", "user_purchase_counts"])
        {
            Assert.Equal(0L, await stack.ScalarAsync<long>($"select count(*) from {table}"));
        }

        await Waiting.Eventually(() => KeysOf(stack) is { Count: > 0 } left
            ? $"The warm-up left {left.Count} Redis keys, e.g. {string.Join(", ", left.Take(3))}"
            : null);

        var metrics = PrometheusText.Parse(await stack.Host.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        Assert.Equal(0, metrics.Sum("checkout_attempts_total"));
        Assert.Equal(0, metrics.Sum("purchase_attempts_total"));
        Assert.True(metrics.Sum("redis_command_duration_seconds_count") > 100, "the warm-up ran no Redis command");

        // Its scratch sale is loaded under a lock of its own that the lock-contention alert never sees: replicas warming
        // up at once, each with four workers, once made that alert fire after a quiet rush.
        Assert.Equal(0, metrics.Sum("redis_lock_attempts_total", ("lock_type", RedisLock.RedisRebuild)));

        // Its checkouts went the shoppers' whole way: granted by Redis and stored, refused to another shopper.
        Assert.True(warmUpCounts.Of("checkout_success_total") > 0, $"no warm-up checkout was granted: {warmUpCounts}");
        Assert.True(warmUpCounts.Of("checkout_failure_total", ProblemCodes.ItemReserved) > 0, $"no warm-up checkout was refused as held: {warmUpCounts}");
    }

    // What the warm-up's own counters (meters "WarmUp.*", which telemetry never reads) counted in this process.
    private sealed class WarmUpCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new();

        public WarmUpCounts()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == $"WarmUp.{SaleFlowMetrics.MeterName}")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var reason = tags.ToArray().FirstOrDefault(tag => tag.Key == "reason").Value as string;
                _counts.AddOrUpdate($"{instrument.Name}{reason}", value, (_, count) => count + value);
            });
            _listener.Start();
        }

        public long Of(string counter, string? reason = null) => _counts.GetValueOrDefault(counter + reason);

        public override string ToString() => string.Join(", ", _counts.Where(c => c.Value > 0).Select(c => $"{c.Key}={c.Value}"));

        public void Dispose() => _listener.Dispose();
    }

    private static List<RedisKey> KeysOf(TestStack stack)
    {
        var redis = stack.Host.Services.GetRequiredService<IConnectionMultiplexer>();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        return [.. server.Keys(pattern: $"{stack.Settings.RedisPrefix}:*")];
    }
}
