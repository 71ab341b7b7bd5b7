using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Npgsql;
using Pipelines.Sockets.Unofficial;
using StackExchange.Redis;

namespace FlashSale.Tests.Integration;

// Whatever a dying Redis connection throws, checkout and purchase go on through PostgreSQL: no 500.
[Collection(ServersCollection.Name)]
public sealed class RedisFailureTests(Servers servers)
{
    public static TheoryData<string> Faults => ["connection reset", "socket disposed", "socket error", "redis timeout", "redis connection", "command cancelled"];

    private static Exception Fault(string name) => name switch
    {
        "connection reset" => new ConnectionResetException("The connection was reset"),
        "socket disposed" => new ObjectDisposedException("System.Net.Sockets.Socket"),
        "socket error" => new SocketException((int)SocketError.ConnectionReset),
        "redis timeout" => new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent),
        "command cancelled" => new TaskCanceledException("A task was canceled."), // what a hung connection's queued commands get
        _ => new RedisConnectionException(ConnectionFailureType.SocketFailure, "SocketFailure on redis"),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task CheckoutAndPurchaseFallBackToPostgresWhenTheRedisConnectionDies(string fault)
    {
        var redis = new FaultyRedis();
        await using var stack = await TestStack.StartAsync(servers, s => s with { Services = redis.Install });
        var sale = await stack.OpenSaleAsync(4);
        var before = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();

        redis.Fail(() => Fault(fault));
        var during = (await stack.Api.CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 1))).Ok();
        (await stack.Api.CheckoutAsync("bob", FlashSaleClient.ItemId(sale.Id, 0))).Refused(HttpStatusCode.Conflict, "item_reserved");
        (await stack.Api.PurchaseAsync(before.Code)).Ok();
        (await stack.Api.PurchaseAsync(during.Code)).Ok();
        (await stack.Api.PurchaseAsync(during.Code)).Ok();

        // Once Redis answers again it is reloaded with what PostgreSQL decided alone.
        redis.Heal();
        (await stack.Api.CheckoutAsync("carol", FlashSaleClient.ItemId(sale.Id, 0))).Refused(HttpStatusCode.Conflict, "item_sold");
        (await stack.Api.CheckoutAsync("carol", FlashSaleClient.ItemId(sale.Id, 1))).Refused(HttpStatusCode.Conflict, "item_sold");
        (await stack.Api.CheckoutAsync("carol", FlashSaleClient.ItemId(sale.Id, 2))).Ok();
        Assert.Equal("item_sold", await stack.RedisDecidesAsync(sale.Id, 0, "dave"));
        Assert.Equal("item_sold", await stack.RedisDecidesAsync(sale.Id, 1, "dave"));
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    // With Redis down PostgreSQL decides every checkout (checkout_without_redis), so in a rush each decision must read
    // only its item's and its user's rows. On statistics that had not seen the sale, its lookup of the item's hold
    // took the index of the sale's holds by user and filtered every live hold of the sale (8 ms a checkout at 10,000
    // holds). The plans PostgreSQL ran for the function's statements (auto_explain, sent to this session) show how
    // many rows each read only to drop.
    [Fact]
    public async Task WithoutRedisACheckoutOfASaleTheStatisticsHaveNotSeenReadsOnlyItsItemAndUser()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await UnseenSale.InRushAsync(stack, 20_000, heldItems: 19_000, boughtItems: 1_000);
        await using var connection = await stack.OpenConnectionAsync();
        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        await using (var explain = new NpgsqlCommand(
            """
            load 'auto_explain';
            set auto_explain.log_min_duration = 0;
            set auto_explain.log_nested_statements = on;
            set auto_explain.log_analyze = on;
            set client_min_messages = log
            """, connection))
        {
            await explain.ExecuteNonQueryAsync();
        }

        List<string> outcomes = [];
        foreach (var (item, user) in new[] { (19_500, "newcomer"), (5_000, "newcomer"), (500, "newcomer"), (19_501, "shopper7") })
        {
            await using var checkout = new NpgsqlCommand(
                "select r_outcome from checkout_without_redis($1, $2, $3, $4, now(), now() + interval '5 minutes', $5, 10)", connection)
            {
                Parameters = { new() { Value = sale.Id }, new() { Value = item }, new() { Value = FlashSaleClient.ItemId(sale.Id, item) }, new() { Value = user }, new() { Value = $"test-{item}" } },
            };
            outcomes.Add((string)(await checkout.ExecuteScalarAsync())!);
        }

        Assert.Equal(["ok", "item_reserved", "item_sold", "ok"], outcomes);
        var dropped = plans.Sum(plan => Regex.Matches(plan, @"Rows Removed by Filter: (\d+)").Sum(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(dropped < 100, $"{dropped} rows read only to be dropped by the checkouts' plans:\n{string.Join("\n", plans)}");
    }
}
