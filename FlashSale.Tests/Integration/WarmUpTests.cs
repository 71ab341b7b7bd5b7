using FlashSale.Api.Storage;
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

        // Its sale 0 is loaded under a lock of its own that the lock-contention alert never sees: replicas warming up
        // at once, each with four workers, once made that alert fire after a quiet rush.
        Assert.Equal(0, metrics.Sum("redis_lock_attempts_total", ("lock_type", RedisLock.RedisRebuild)));
    }

    private static List<RedisKey> KeysOf(TestStack stack)
    {
        var redis = stack.Host.Services.GetRequiredService<IConnectionMultiplexer>();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        return [.. server.Keys(pattern: $"{stack.Settings.RedisPrefix}:*")];
    }
}
