using System.Net;
using System.Text.Json;
using FlashSale.Api.Storage;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class CheckoutTests(Servers servers)
{
    [Fact]
    public async Task ShopperBuysAnItemFromCheckoutToPurchase()
    {
        await using var stack = await TestStack.StartAsync(servers);
        await stack.OpenSaleAsync(20);

        var receipt = await ShopperJourney.BuyAnAvailableItemAsync(stack.Api, "alice");

        Assert.Equal(1L, await stack.ScalarAsync<long>("select count(*) from purchases where code is not null and user_id = 'alice'"));
        var sale = await stack.Api.CurrentSaleOnceAsync(s => s.ItemsSold == 1);
        Assert.Equal(1, sale.ItemsSold);
        Assert.Equal(19, sale.ItemsAvailable);
        Assert.Equal(receipt.SaleId, sale.Id);
    }

    [Fact]
    public async Task CheckoutHoldsTheItemForTheConfiguredTime()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:CheckoutHold", "00:03:00"));
        var sale = await stack.OpenSaleAsync(5);
        var before = DateTimeOffset.UtcNow;

        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 2))).Ok();

        Assert.InRange(hold.ExpiresAt, before.AddMinutes(3).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(3).AddSeconds(1));
        var held = await stack.Api.SaleOnceAsync(sale.Id, s => s.ItemsHeld == 1);
        Assert.Equal(1, held.ItemsHeld);
        Assert.Equal(4, held.ItemsAvailable);
    }

    [Fact]
    public async Task SameUserCheckingOutAgainGetsTheSameCode()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);
        var item = FlashSaleClient.ItemId(sale.Id, 0);

        var first = (await stack.Api.CheckoutAsync("alice", item)).Ok();
        var second = (await stack.Api.CheckoutAsync("alice", item)).Ok();

        Assert.Equal(first.Code, second.Code);
        Assert.Equal(first.ExpiresAt, second.ExpiresAt);
    }

    [Fact]
    public async Task ItemHeldBySomeoneElseIsReserved()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);
        var item = FlashSaleClient.ItemId(sale.Id, 1);
        (await stack.Api.CheckoutAsync("alice", item)).Ok();

        (await stack.Api.CheckoutAsync("bob", item)).Refused(HttpStatusCode.Conflict, "item_reserved");
    }

    [Fact]
    public async Task SoldItemIsRefused()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);
        var item = FlashSaleClient.ItemId(sale.Id, 3);
        var hold = (await stack.Api.CheckoutAsync("alice", item)).Ok();
        (await stack.Api.PurchaseAsync(hold.Code)).Ok();

        (await stack.Api.CheckoutAsync("bob", item)).Refused(HttpStatusCode.Conflict, "item_sold");
        (await stack.Api.CheckoutAsync("alice", item)).Refused(HttpStatusCode.Conflict, "item_sold");
        Assert.Equal("item_sold", await stack.RedisDecidesAsync(sale.Id, 3, "bob"));
    }

    // A purchase is final: a replica refuses an item it knows sold (it sold it, or Redis refused it as sold) without
    // asking Redis again, and stores the refusal as any other. Items it does not know sold are still Redis's to decide.
    [Fact]
    public async Task AReplicaRefusesAnItemItKnowsSoldWithoutAskingRedis()
    {
        var redis = new FaultyRedis();
        await using var stack = await TestStack.StartAsync(servers, s => s with { Services = redis.Install }, replicas: 2);
        var sale = await stack.OpenSaleAsync(5);
        var keys = stack.Host.Services.GetRequiredService<RedisKeys>();
        var sold = FlashSaleClient.ItemId(sale.Id, 3);
        (await stack.Client(0).PurchaseAsync((await stack.Client(0).CheckoutAsync("alice", sold)).Ok().Code)).Ok();
        var asked = redis.TimesNamed(keys.Hold(sale.Id, 3));

        (await stack.Client(0).CheckoutAsync("bob", sold)).Refused(HttpStatusCode.Conflict, "item_sold");
        (await stack.Client(0).CheckoutAsync("alice", sold)).Refused(HttpStatusCode.Conflict, "item_sold");
        Assert.Equal(asked, redis.TimesNamed(keys.Hold(sale.Id, 3)));

        // The other replica learns it from Redis's first refusal.
        (await stack.Client(1).CheckoutAsync("bob", sold)).Refused(HttpStatusCode.Conflict, "item_sold");
        (await stack.Client(1).CheckoutAsync("carol", sold)).Refused(HttpStatusCode.Conflict, "item_sold");
        Assert.Equal(asked + 1, redis.TimesNamed(keys.Hold(sale.Id, 3)));

        var held = FlashSaleClient.ItemId(sale.Id, 4);
        (await stack.Client(0).CheckoutAsync("alice", held)).Ok();
        (await stack.Client(0).CheckoutAsync("bob", held)).Refused(HttpStatusCode.Conflict, "item_reserved");
        Assert.Equal(2, redis.TimesNamed(keys.Hold(sale.Id, 4)));
        Assert.Equal(4L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts where item_index = 3 and outcome = 'item_sold'"));
    }

    [Fact]
    public async Task UserCannotHoldMoreThanTheLimitMinusWhatTheyBought()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "3"));
        var sale = await stack.OpenSaleAsync(10);
        var first = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        (await stack.Api.PurchaseAsync(first.Code)).Ok();
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Ok();
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 2))).Ok();

        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 3))).Refused(HttpStatusCode.Conflict, "user_limit_reached");

        // Holding again what one already holds is no new hold, and other shoppers are not limited by alice.
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 2))).Ok();
        (await stack.Api.CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 3))).Ok();
    }

    [Fact]
    public async Task CheckoutWithoutARunningSaleIsRefused()
    {
        await using var stack = await TestStack.StartAsync(servers);

        (await stack.Api.CheckoutAsync("alice", "1-000001")).Refused(HttpStatusCode.NotFound, "no_active_sale");
        (await stack.Api.CurrentSaleAsync()).Refused(HttpStatusCode.NotFound, "no_active_sale");
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 0)]
    public async Task ItemOutsideTheRunningSaleIsNotFound(int saleOffset, int index)
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);

        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id + saleOffset, index)))
            .Refused(HttpStatusCode.NotFound, "item_not_found");
    }

    [Theory]
    [InlineData(null, "1-000001", "user_id")]
    [InlineData("", "1-000001", "user_id")]
    [InlineData("alice bob", "1-000001", "user_id")]
    [InlineData("ali\u0000ce", "1-000001", "user_id")]
    [InlineData("a-user-id-that-is-far-too-long-to-be-accepted-by-flashsale-because-it-exceeds-64", "1-000001", "user_id")]
    [InlineData("alice", null, "id")]
    [InlineData("alice", "", "id")]
    [InlineData("alice", "1-1", "id")]
    [InlineData("alice", "x-000001", "id")]
    [InlineData("alice", "1-0000001", "id")]
    [InlineData("alice", "99999999999999999999-000001", "id")]
    public async Task MalformedCheckoutIsABadRequestNamingTheParameter(string? userId, string? itemId, string parameter)
    {
        await using var stack = await TestStack.StartAsync(servers);
        await stack.OpenSaleAsync(5);

        var problem = (await stack.Api.CheckoutAsync(userId, itemId)).Refused(HttpStatusCode.BadRequest, "invalid_request");

        Assert.Equal(parameter, problem.Parameter);
        Assert.Contains(parameter, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts where outcome = 'ok'"));
    }

    [Fact]
    public async Task EveryCheckoutAttemptIsStoredWithItsOutcome()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "1"));
        (await stack.Api.CheckoutAsync("early", "1-000000")).Refused(HttpStatusCode.NotFound, "no_active_sale");
        var sale = await stack.OpenSaleAsync(3);
        var item0 = FlashSaleClient.ItemId(sale.Id, 0);
        var held = (await stack.Api.CheckoutAsync("alice", item0)).Ok();
        (await stack.Api.CheckoutAsync("alice", item0)).Ok();
        (await stack.Api.CheckoutAsync("bob", item0)).Refused(HttpStatusCode.Conflict, "item_reserved");
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        (await stack.Api.CheckoutAsync("carol", FlashSaleClient.ItemId(sale.Id, 9))).Refused(HttpStatusCode.NotFound, "item_not_found");
        (await stack.Api.CheckoutAsync("dave", "nonsense")).Refused(HttpStatusCode.BadRequest, "invalid_request");
        (await stack.Api.PurchaseAsync(held.Code)).Ok();
        (await stack.Api.CheckoutAsync("bob", item0)).Refused(HttpStatusCode.Conflict, "item_sold");

        var outcomes = await stack.ScalarAsync<string[]>(
            "select array_agg(coalesce(user_id, '?') || ':' || outcome order by id) from checkout_attempts");
        Assert.Equal(
            ["early:no_active_sale", "alice:ok", "alice:ok", "bob:item_reserved", "alice:user_limit_reached", "carol:item_not_found",
                "dave:invalid_request", "bob:item_sold"],
            outcomes);
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts where code = $1", held.Code));
    }

    // Redis decides when it is up; PostgreSQL decides alone when it is not (an unreachable Redis address).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HoldIsCutAtTheSalesEnd(bool redisDecides)
    {
        await using var stack = await TestStack.StartAsync(servers, s =>
            (redisDecides ? s : s with { Redis = "127.0.0.1:1" }).With("FlashSale:CheckoutHold", "00:05:00"));
        var now = DateTimeOffset.UtcNow;
        var sale = (await stack.Admin.CreateSaleAsync(3, now.AddSeconds(-1), now.AddSeconds(40))).Ok();

        var before = DateTimeOffset.UtcNow;
        var reply = await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0));
        var hold = reply.Ok();

        Assert.Equal(sale.EndsAt, hold.ExpiresAt);
        Assert.Matches(TimestampPattern, JsonDocument.Parse(reply.Body).RootElement.GetProperty("expires_at").GetString());
        Assert.Equal(hold.ExpiresAt.UtcDateTime, await stack.ScalarAsync<DateTime>("select expires_at from checkout_attempts where code = $1", hold.Code));
        if (redisDecides)
        {
            var redis = stack.Host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
            var ttl = await redis.KeyTimeToLiveAsync(stack.Host.Services.GetRequiredService<RedisKeys>().Hold(sale.Id, 0));
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), sale.EndsAt - before + TimeSpan.FromMilliseconds(1));
        }
    }

    [Fact]
    public async Task EveryTimestampIsUtcWithMilliseconds()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(3);

        var checkout = await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1));
        var purchase = await stack.Api.PurchaseAsync(checkout.Ok().Code);
        var saleReply = await stack.Api.SaleAsync(sale.Id);
        var purchases = await stack.Api.PurchasesOfAsync("alice");

        var stamps = new[] { checkout.Body, purchase.Body, saleReply.Body, purchases.Body }
            .SelectMany(body => Timestamps(JsonDocument.Parse(body).RootElement)).ToList();
        Assert.Equal(5, stamps.Count);
        Assert.All(stamps, stamp => Assert.Matches(TimestampPattern, stamp));
    }

    private const string TimestampPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

    private static IEnumerable<string> Timestamps(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name.EndsWith("_at", StringComparison.Ordinal) ? [p.Value.GetString()!] : Timestamps(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Timestamps),
        _ => [],
    };
}
