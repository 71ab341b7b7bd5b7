using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class SchedulerTests(Servers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FourReplicasStartingTogetherCreateExactlyOneSalePerWindow()
    {
        var clock = new WatchedClock(new DateTimeOffset(2031, 3, 4, 10, 20, 0, TimeSpan.Zero));
        await using var stack = await TestStack.StartAsync(servers, s => s
            .With("FlashSale:AutoStart", "true")
            .With("FlashSale:ItemsPerSale", "500") with { Time = clock }, replicas: 4);

        await WaitUntilAsync(stack, "select count(*) from sales", 1);
        var first = await stack.WaitForCurrentSaleAsync();
        Assert.Equal(new DateTimeOffset(2031, 3, 4, 10, 0, 0, TimeSpan.Zero), first.StartsAt);
        Assert.Equal(new DateTimeOffset(2031, 3, 4, 11, 0, 0, TimeSpan.Zero), first.EndsAt);
        Assert.Equal(500L, await stack.ScalarAsync<long>("select count(*) from items"));

        clock.Advance(TimeSpan.FromMinutes(40));

        // Every replica has decided the 11:00 window once it sleeps until the next one (a timer of exactly an hour).
        await clock.WaitForTimersAsync(TimeSpan.FromHours(1), count: 4, Patience);
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from sales"));
        Assert.Equal(1000L, await stack.ScalarAsync<long>("select count(*) from items"));
        var second = await stack.WaitForCurrentSaleAsync(previous: first.Id);
        Assert.Equal(first.EndsAt, second.StartsAt);
        Assert.Equal(500, second.TotalItems);
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

        public async Task WaitForTimersAsync(TimeSpan dueTime, int count, TimeSpan patience)
        {
            var deadline = DateTime.UtcNow + patience;
            while (_timers.GetValueOrDefault(dueTime) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{_timers.GetValueOrDefault(dueTime)} of {count} timers of {dueTime} were set");
                await Task.Delay(50);
            }
        }
    }

    private static async Task WaitUntilAsync(TestStack stack, string countSql, long expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await stack.ScalarAsync<long>(countSql) < expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Still waiting for {countSql} to reach {expected}");
            await Task.Delay(50);
        }
    }
}
