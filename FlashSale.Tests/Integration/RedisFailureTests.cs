using System.Net;
using System.Net.Sockets;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
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
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }
}
