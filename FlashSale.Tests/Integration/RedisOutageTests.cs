using System.Net;
using System.Text.Json;
using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace FlashSale.Tests.Integration;

// These tests stop the shared Redis and bring it back empty; no other test runs meanwhile (one collection).
[Collection(ServersCollection.Name)]
public sealed class RedisOutageTests(Servers servers)
{
    [Fact]
    public async Task HealthReportsRedisDownWhileItIsStoppedAndUpOnceItIsBack()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s with
        {
            Services = services => services.Configure<HealthCheckPublisherOptions>(o => (o.Delay, o.Period) = (TimeSpan.Zero, TimeSpan.FromSeconds(1))),
        });
        var api = stack.Api;

        var healthy = await api.HealthOnceAsync();
        await WaitForGaugeAsync(api.Http, "redis", 1);
        Assert.Equal(("up", "up", "up"), Statuses(healthy));
        Assert.True(healthy.GetProperty("memory").GetProperty("total_alloc").GetInt64() > 0);
        Assert.True(healthy.GetProperty("goroutines").GetInt32() > 0);
        Assert.Matches("^([0-9]+h)?([0-9]+m)?[0-9]+s$", healthy.GetProperty("uptime").GetString());

        await servers.StopRedisAsync();
        var down = await api.HealthOnceAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("up", "up", "down"), Statuses(down));
        var alive = await api.Http.GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        await WaitForGaugeAsync(api.Http, "redis", 0); // alerts see the outage without anyone calling /health
        await WaitForGaugeAsync(api.Http, "database", 1);

        await servers.StartRedisEmptyAsync();
        var back = await api.HealthOnceAsync();
        Assert.Equal(("up", "up", "up"), Statuses(back));
        await WaitForGaugeAsync(api.Http, "redis", 1);
    }

    [Fact]
    public async Task SellingGoesOnCorrectlyThroughARedisOutage()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "2"), replicas: 2);
        var sale = await stack.OpenSaleAsync(6);
        var before = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();

        await servers.StopRedisAsync();

        // PostgreSQL decides alone, with the same rules: alice's hold made through Redis still counts.
        (await stack.Client(1).CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 0))).Refused(HttpStatusCode.Conflict, "item_reserved");
        var during = (await stack.Client(1).CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Ok();
        Assert.Equal(before.Code, (await stack.Client(1).CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok().Code);
        (await stack.Client(0).CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 2))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        (await stack.Client(0).PurchaseAsync(before.Code)).Ok();
        (await stack.Client(1).PurchaseAsync(during.Code)).Ok();
        (await stack.Client(0).CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 1))).Refused(HttpStatusCode.Conflict, "item_sold");

        await servers.StartRedisEmptyAsync();
        await stack.WaitForHealthAsync();

        // Redis came back empty: it is reloaded from PostgreSQL before it decides again (item 0 was bought through the
        // other replica, so this one asks Redis).
        (await stack.Client(1).CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 0))).Refused(HttpStatusCode.Conflict, "item_sold");
        (await stack.Client(1).CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 3))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        var after = (await stack.Client(1).CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 3))).Ok();
        (await stack.Client(0).PurchaseAsync(after.Code)).Ok();

        // Redis itself decides again: the scripts it forgot were sent to it again.
        Assert.Equal("item_sold", await stack.RedisDecidesAsync(sale.Id, 3, "carol", replica: 0));
        Assert.Equal("item_sold", await stack.RedisDecidesAsync(sale.Id, 1, "carol", replica: 1));

        Assert.Equal(3L, await stack.ScalarAsync<long>("select count(*) from purchases"));
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from purchases where user_id = 'alice'"));
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts where outcome not in ('ok', 'item_reserved', 'user_limit_reached', 'item_sold')"));
        Assert.Equal(9L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts")); // one row per checkout call above
    }

    // A paused Redis (SIGSTOP) keeps its socket open and never answers. This replica's Redis command timeout is
    // made a minute, longer than the client's, so only the health check's own 800 ms timeout answers in time.
    [Fact]
    public async Task HealthAnswersWithinItsTimeoutWhileRedisHangs()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s with { Redis = s.Redis + ",asyncTimeout=60000,syncTimeout=60000" });
        using var client = stack.Host.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(10);
        var api = new FlashSaleClient(client);
        await api.HealthOnceAsync();

        await using (await servers.PauseRedisAsync())
        {
            for (var probe = 0; probe < 3; probe++)
            {
                var reply = await api.HealthAsync();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
                Assert.Equal(("up", "up", "down"), Statuses(JsonSerializer.Deserialize<JsonElement>(reply.Body)));
            }
        }

        await api.HealthOnceAsync();
    }

    // The reload of a sale into an emptied Redis reads PostgreSQL, then writes what it read; purchases are committed
    // and mirrored into Redis in between. Here each step is run by hand in that order, under the reload's lock as a
    // replica reloading the sale would hold it: what the mirror wrote must survive the reload's older snapshot.
    [Fact]
    public async Task PurchasesMirroredWhileASaleIsReloadedAreNeitherLostNorHeldAgain()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "3"));
        var sale = await stack.OpenSaleAsync(10);
        string Item(int index) => FlashSaleClient.ItemId(sale.Id, index);
        foreach (var (user, index) in new[] { ("alice", 0), ("alice", 1), ("bob", 3) })
        {
            (await stack.Api.PurchaseAsync((await stack.Api.CheckoutAsync(user, Item(index))).Ok().Code)).Ok();
        }

        var bobsHold = (await stack.Api.CheckoutAsync("bob", Item(4))).Ok();
        var services = stack.Host.Services;
        var running = (await services.GetRequiredService<CurrentSale>().GetAsync(DateTimeOffset.UtcNow, default))!;
        var state = services.GetRequiredService<RedisSaleState>();
        await ForgetSaleAsync(services, sale.Id);

        var (outcome, reload) = await services.GetRequiredService<RedisLock>().TryAcquireAsync(
            RedisLock.RedisRebuild, sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(30), default);
        Assert.Equal(LockOutcome.Acquired, outcome);
        await using (reload)
        {
            var snapshot = await state.ReadStateAsync(running, DateTimeOffset.UtcNow, default);

            // While the reload runs, alice's checkout is decided by PostgreSQL; then she and bob buy what they hold.
            var alicesHold = (await stack.Api.CheckoutAsync("alice", Item(2))).Ok();
            (await stack.Api.PurchaseAsync(alicesHold.Code)).Ok();
            (await stack.Api.PurchaseAsync(bobsHold.Code)).Ok();

            await state.ApplyStateAsync(running, snapshot, DateTimeOffset.UtcNow, default);
        }

        // alice bought 3 of 3: no more. bob bought 2 of 3 and holds nothing: one more.
        (await stack.Api.CheckoutAsync("alice", Item(5))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        (await stack.Api.CheckoutAsync("bob", Item(6))).Ok();
        (await stack.Api.CheckoutAsync("bob", Item(7))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        (await stack.Api.CheckoutAsync("carol", Item(4))).Refused(HttpStatusCode.Conflict, "item_sold");
        Assert.Equal("item_sold", await stack.RedisDecidesAsync(sale.Id, 4, "carol"));
        Assert.Equal(5L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    // Redis restarted as a rush ends must be reloaded from a sale PostgreSQL's statistics have not seen yet. The
    // reload's read once dropped the holds of sold items by an anti-join that the planner ran, on those statistics,
    // as a nested loop reading every purchase again for each hold: past the 10 s command timeout, so the reload
    // failed. Every item here is held and bought: the snapshot has every purchase and no hold.
    [Fact]
    public async Task ASaleTheStatisticsHaveNotSeenIsReadForAReloadWithoutATimeout()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await UnseenSale.SoldOutAsync(stack, 20_000);
        var services = stack.Host.Services;
        var running = (await services.GetRequiredService<CurrentSale>().GetAsync(DateTimeOffset.UtcNow, default))!;

        var snapshot = await services.GetRequiredService<RedisSaleState>().ReadStateAsync(running, DateTimeOffset.UtcNow, default);

        Assert.Equal(sale.Id, running.Id);
        Assert.Equal(Enumerable.Range(0, 20_000), snapshot.Purchases.Select(p => p.Index).Order());
        Assert.Empty(snapshot.Holds);
    }

    // What Redis restarted empty looks like to one sale: none of its keys.
    private static async Task ForgetSaleAsync(IServiceProvider services, long saleId)
    {
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        var prefix = services.GetRequiredService<RedisKeys>().SalePrefix(saleId);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
        {
            keys.Add(key);
        }

        Assert.NotEmpty(keys);
        await redis.GetDatabase().KeyDeleteAsync([.. keys]);
    }

    private static (string?, string?, string?) Statuses(JsonElement health)
    {
        var services = health.GetProperty("services_status");
        return (services.GetProperty("app").GetString(), services.GetProperty("database").GetString(), services.GetProperty("redis").GetString());
    }

    // service_health_status{service} as the periodic health publisher last set it.
    private static Task WaitForGaugeAsync(HttpClient client, string service, double wanted) => Waiting.Eventually(async () =>
    {
        var metrics = PrometheusText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        var samples = metrics.SamplesOf("service_health_status").Where(s => s.Labels["service"] == service).ToList();
        return samples.Count == 1 && samples[0].Value == wanted
            ? null
            : $"service_health_status{{service=\"{service}\"}} is not {wanted}: {string.Join(", ", samples.Select(s => s.Value))}";
    });
}
