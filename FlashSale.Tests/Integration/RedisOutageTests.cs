using System.Net;
using System.Text.Json;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Integration;

// These tests stop the shared Redis and bring it back empty; no other test runs meanwhile (one collection).
[Collection(ServersCollection.Name)]
public sealed class RedisOutageTests(Servers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HealthReportsRedisDownWhileItIsStoppedAndUpOnceItIsBack()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var client = stack.Host.CreateClient();

        var healthy = await WaitForHealthAsync(client, HttpStatusCode.OK);
        Assert.Equal(("up", "up", "up"), Statuses(healthy));
        Assert.True(healthy.RootElement.GetProperty("memory").GetProperty("total_alloc").GetInt64() > 0);
        Assert.True(healthy.RootElement.GetProperty("goroutines").GetInt32() > 0);
        Assert.Matches("^([0-9]+h)?([0-9]+m)?[0-9]+s$", healthy.RootElement.GetProperty("uptime").GetString());

        await servers.StopRedisAsync();
        var down = await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("up", "up", "down"), Statuses(down));
        var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);

        await servers.StartRedisEmptyAsync();
        var back = await WaitForHealthAsync(client, HttpStatusCode.OK);
        Assert.Equal(("up", "up", "up"), Statuses(back));
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
        await WaitForHealthAsync(stack.Host.CreateClient(), HttpStatusCode.OK);
        await WaitForHealthAsync(stack.Hosts[1].CreateClient(), HttpStatusCode.OK);

        // Redis came back empty: it is reloaded from PostgreSQL before it decides again.
        (await stack.Client(0).CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 0))).Refused(HttpStatusCode.Conflict, "item_sold");
        (await stack.Client(1).CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 3))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        var after = (await stack.Client(1).CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 3))).Ok();
        (await stack.Client(0).PurchaseAsync(after.Code)).Ok();

        Assert.Equal(3L, await stack.ScalarAsync<long>("select count(*) from purchases"));
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from purchases where user_id = 'alice'"));
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts where outcome not in ('ok', 'item_reserved', 'user_limit_reached', 'item_sold')"));
        Assert.Equal(9L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts")); // one row per checkout call above
    }

    private static (string?, string?, string?) Statuses(JsonDocument health)
    {
        var services = health.RootElement.GetProperty("services_status");
        return (services.GetProperty("app").GetString(), services.GetProperty("database").GetString(), services.GetProperty("redis").GetString());
    }

    private static async Task<JsonDocument> WaitForHealthAsync(HttpClient client, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var reply = await client.GetAsync(new Uri("/health", UriKind.Relative));
            var body = await reply.Content.ReadAsStringAsync();
            if (reply.StatusCode == wanted)
            {
                return JsonDocument.Parse(body);
            }

            Assert.True(DateTime.UtcNow < deadline, $"/health still answers {(int)reply.StatusCode}: {body}");
            await Task.Delay(100);
        }
    }
}
