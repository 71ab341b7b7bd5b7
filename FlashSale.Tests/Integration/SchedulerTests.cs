using System.Net;
using FlashSale.Api.Storage;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace FlashSale.Tests.Integration;

// The hourly sale is ready before its window: created SaleLeadTime ahead (five minutes for hourly sales), listed as
// upcoming, loaded into Redis, and running on every replica at its first instant. The replicas share a fake clock.
[Collection(ServersCollection.Name)]
public sealed class SchedulerTests(Servers servers)
{
    private static readonly DateTimeOffset Ten = new(2031, 3, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Eleven = Ten.AddHours(1);

    [Fact]
    public async Task FourReplicasStartingTogetherCreateEachSaleOnceFiveMinutesBeforeItsWindow()
    {
        var clock = new WatchedClock(Ten.AddMinutes(20));
        await using var stack = await StartAsync(clock, replicas: 4, items: 500);

        // Each replica finds or creates the 10:00 sale, then sleeps until 10:55, when the 11:00 sale is prepared.
        await clock.WaitForTimersAsync(TimeSpan.FromMinutes(35), count: 4);
        Assert.Equal(1L, await stack.ScalarAsync<long>("select count(*) from sales"));
        var first = (await stack.Api.CurrentSaleAsync()).Ok();
        Assert.Equal((Ten, Eleven), (first.StartsAt, first.EndsAt));
        Assert.Equal(500L, await stack.ScalarAsync<long>("select count(*) from items"));

        clock.Advance(TimeSpan.FromMinutes(36));
        // 10:56: every replica prepared the 11:00 sale and sleeps until 11:55.
        await clock.WaitForTimersAsync(TimeSpan.FromMinutes(59), count: 4);
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from sales"));
        Assert.Equal(1000L, await stack.ScalarAsync<long>("select count(*) from items"));
        await AssertOpensAtItsFirstInstantAsync(stack, clock, Eleven, previous: first.Id, items: 500);
    }

    [Fact]
    public async Task AReplicaStartedSecondsBeforeTheHourOpensTheNextSaleAtItsFirstInstant()
    {
        var clock = new WatchedClock(Eleven.AddSeconds(-2));
        await using var stack = await StartAsync(clock, replicas: 2, items: 100);

        // Past 10:55 already: both windows are prepared at once, then the replicas sleep until 11:55.
        await clock.WaitForTimersAsync(TimeSpan.FromMinutes(55) + TimeSpan.FromSeconds(2), count: 2);
        var first = (await stack.Api.CurrentSaleAsync()).Ok();
        Assert.Equal(Ten, first.StartsAt);
        await AssertOpensAtItsFirstInstantAsync(stack, clock, Eleven, previous: first.Id, items: 100);
    }

    [Fact]
    public async Task ASaleWhosePreparationAStorageOutageDelayedOpensOnceStorageAnswersAndIsCreatedOnce()
    {
        var clock = new WatchedClock(Ten.AddMinutes(54));
        var redis = new FaultyRedis();
        await using var stack = await StartAsync(clock, replicas: 2, items: 200, redis.Install);
        await clock.WaitForTimersAsync(TimeSpan.FromMinutes(1), count: 2);
        await stack.ExecuteAsync("""
            create function refuse_writes() returns trigger language plpgsql as $$
            begin
                raise exception 'writes to % refused by the test', tg_table_name;
            end;
            $$
            """);
        await stack.ExecuteAsync("create trigger refuse_writes before insert on sales for each row execute function refuse_writes()");
        redis.Fail(() => new RedisConnectionException(ConnectionFailureType.SocketFailure, "Redis is down in the test"));

        // Through 10:55 and into the 11:00 window with neither able to create nor load the sale.
        clock.Advance(TimeSpan.FromMinutes(6));
        (await stack.Api.CurrentSaleAsync()).Refused(HttpStatusCode.NotFound, "no_active_sale");
        Assert.Equal(1L, await stack.ScalarAsync<long>("select count(*) from sales"));

        // PostgreSQL takes writes again: the sale opens with Redis still down, and checkouts are decided by PostgreSQL.
        await stack.ExecuteAsync("drop trigger refuse_writes on sales");
        for (var replica = 0; replica < 2; replica++)
        {
            var opened = await stack.Client(replica).CurrentSaleOnceAsync();
            Assert.Equal(Eleven, opened.StartsAt);
            (await stack.Client(replica).CheckoutAsync($"during{replica}", FlashSaleClient.ItemId(opened.Id, replica))).Ok();
        }

        // Redis answers again: the sale is loaded into it, and it was created once, with its stock once.
        redis.Heal();
        var sale = (await stack.Api.CurrentSaleAsync()).Ok();
        await Waiting.Eventually(async () => await IsLoadedAsync(stack, sale.Id) ? null : "the sale is not loaded into Redis");
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from sales"));
        Assert.Equal(200L, await stack.ScalarAsync<long>("select count(*) from items where sale_id = $1", sale.Id));
        (await stack.Client(1).CheckoutAsync("after", FlashSaleClient.ItemId(sale.Id, 0))).Refused(HttpStatusCode.Conflict, "item_reserved");
        (await stack.Client(1).CheckoutAsync("after", FlashSaleClient.ItemId(sale.Id, 2))).Ok();
    }

    private Task<TestStack> StartAsync(WatchedClock clock, int replicas, int items, Action<IServiceCollection>? services = null) =>
        TestStack.StartAsync(servers, s => s
            .With("FlashSale:AutoStart", "true")
            .With("FlashSale:ItemsPerSale", items.ToString(System.Globalization.CultureInfo.InvariantCulture)) with { Time = clock, Services = services }, replicas);

    // Before `startsAt` the next sale is listed as upcoming, its items readable and its state loaded in Redis, while
    // every replica still runs the previous one; at `startsAt` exactly every replica runs it, on the first ask,
    // and its first checkouts are decided by Redis without reloading it.
    private static async Task AssertOpensAtItsFirstInstantAsync(TestStack stack, WatchedClock clock, DateTimeOffset startsAt, long previous, int items)
    {
        var upcoming = (await stack.Api.SalesAsync()).Ok().Sales[0];
        Assert.Equal(("upcoming", startsAt, items, items), (upcoming.State, upcoming.StartsAt, upcoming.TotalItems, upcoming.ItemsAvailable));
        Assert.Equal(3, (await stack.Api.ItemsAsync(upcoming.Id, "?limit=3")).Ok().Items.Count);
        Assert.Equal("upcoming", (await stack.Api.SaleAsync(upcoming.Id)).Ok().State);
        Assert.True(await IsLoadedAsync(stack, upcoming.Id), "the upcoming sale is not loaded into Redis");
        for (var replica = 0; replica < stack.Hosts.Count; replica++)
        {
            Assert.Equal(previous, (await stack.Client(replica).CurrentSaleAsync()).Ok().Id);
        }

        var rebuildsBefore = await RebuildLocksTakenAsync(stack);
        clock.Advance(startsAt - clock.GetUtcNow());
        for (var replica = 0; replica < stack.Hosts.Count; replica++)
        {
            var current = (await stack.Client(replica).CurrentSaleAsync()).Ok();
            Assert.Equal((upcoming.Id, "running"), (current.Id, current.State));
            var hold = (await stack.Client(replica).CheckoutAsync($"first{replica}", FlashSaleClient.ItemId(upcoming.Id, replica))).Ok();
            Assert.Equal(upcoming.Id, hold.SaleId);
        }

        Assert.Equal(rebuildsBefore, await RebuildLocksTakenAsync(stack));
    }

    private static async Task<bool> IsLoadedAsync(TestStack stack, long saleId)
    {
        var services = stack.Host.Services;
        var key = services.GetRequiredService<RedisKeys>().Loaded(saleId);
        return await services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().KeyExistsAsync(key);
    }

    // How many times the replicas took the lock under which a sale is reloaded into Redis.
    private static async Task<double> RebuildLocksTakenAsync(TestStack stack)
    {
        var taken = 0.0;
        foreach (var host in stack.Hosts)
        {
            var text = await host.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative));
            taken += PrometheusText.Parse(text).Sum("redis_lock_attempts_total", ("lock_type", RedisLock.RedisRebuild));
        }

        return taken;
    }

    // The fake clock every replica shares, counting the timers they set by their due time.
    private sealed class WatchedClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<TimeSpan, int> _timers = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timers.AddOrUpdate(dueTime, 1, (_, count) => count + 1);
            return timer;
        }

        public Task WaitForTimersAsync(TimeSpan dueTime, int count) => Waiting.Eventually(() =>
            _timers.GetValueOrDefault(dueTime) >= count ? null : $"{_timers.GetValueOrDefault(dueTime)} of {count} timers of {dueTime} were set");
    }
}
