using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Tests.Integration;

// The instants where a decision flips, a hold's expiry and a sale's end, reached exactly on a clock the replicas
// share: whatever arrives at the same instant is decided one way, on every replica, by Redis and by PostgreSQL alike.
[Collection(ServersCollection.Name)]
public sealed class BoundaryTests(Servers servers)
{
    private static readonly DateTimeOffset Start = new(2031, 5, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task AHoldExpiringAsItsPurchaseArrivesIsExpiredForEveryReplica()
    {
        var clock = new FakeTimeProvider(Start);
        await using var stack = await StartAsync(clock);
        var sale = await stack.OpenSaleAsync(20);
        var holds = new List<CheckoutDto>();
        for (var i = 0; i < 8; i++)
        {
            holds.Add((await stack.Client(i % 2).CheckoutAsync($"holder{i}", FlashSaleClient.ItemId(sale.Id, i))).Ok());
        }

        Assert.All(holds, hold => Assert.Equal(Start + Hold, hold.ExpiresAt));

        // A moment before the expiry the holders buy, and nobody else may take their items; at the expiry, the reverse.
        clock.SetUtcNow(Start + Hold - TimeSpan.FromMilliseconds(1));
        var before = await Task.WhenAll(holds.Take(4).Select((hold, i) => stack.Client(i % 2).PurchaseAsync(hold.Code)));
        Assert.All(before, reply => reply.Ok());
        var rivalsBefore = await Task.WhenAll(Enumerable.Range(4, 4).Select(i => stack.Client(i % 2).CheckoutAsync($"rival{i}", FlashSaleClient.ItemId(sale.Id, i))));
        Assert.All(rivalsBefore, reply => reply.Refused(HttpStatusCode.Conflict, "item_reserved"));

        clock.SetUtcNow(Start + Hold);
        var atExpiry = await Task.WhenAll(holds.Skip(4).SelectMany((hold, i) => new[] { stack.Client(0).PurchaseAsync(hold.Code), stack.Client(1).PurchaseAsync(hold.Code) }));
        Assert.All(atExpiry, reply => reply.Refused(HttpStatusCode.Gone, "code_expired"));
        var rivalsAt = await Task.WhenAll(Enumerable.Range(4, 4).Select(i => stack.Client(i % 2).CheckoutAsync($"rival{i}", FlashSaleClient.ItemId(sale.Id, i))));
        Assert.All(rivalsAt, reply => reply.Ok());

        Assert.Equal(4L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    [Fact]
    public async Task ASaleEndingWhilePurchasesAreInFlightEndsForEveryReplicaAtOnce()
    {
        var clock = new FakeTimeProvider(Start);
        await using var stack = await StartAsync(clock);
        var sale = await stack.OpenSaleAsync(20, Start, Start + TimeSpan.FromMinutes(3));
        var holds = new List<CheckoutDto>();
        for (var i = 0; i < 12; i++)
        {
            holds.Add((await stack.Client(i % 2).CheckoutAsync($"buyer{i}", FlashSaleClient.ItemId(sale.Id, i))).Ok());
        }

        clock.SetUtcNow(sale.EndsAt - TimeSpan.FromMilliseconds(1));
        var before = await Task.WhenAll(holds.Take(6).Select((hold, i) => stack.Client(i % 2).PurchaseAsync(hold.Code)));
        Assert.All(before, reply => reply.Ok());

        clock.SetUtcNow(sale.EndsAt);
        var atEnd = await Task.WhenAll(holds.Skip(6).Select((hold, i) => stack.Client(i % 2).PurchaseAsync(hold.Code)));
        Assert.All(atEnd, reply => reply.Refused(HttpStatusCode.Conflict, "sale_ended"));
        var checkouts = await Task.WhenAll(Enumerable.Range(12, 4).Select(i => stack.Client(i % 2).CheckoutAsync($"late{i}", FlashSaleClient.ItemId(sale.Id, i))));
        Assert.All(checkouts, reply => reply.Refused(HttpStatusCode.NotFound, "no_active_sale"));

        // A purchase made before the end is still answered as made.
        Assert.Equal(before[0].Value!.PurchaseId, (await stack.Client(1).PurchaseAsync(holds[0].Code)).Ok().PurchaseId);
        Assert.Equal(6L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    private Task<TestStack> StartAsync(FakeTimeProvider clock) =>
        TestStack.StartAsync(servers, s => s.With("FlashSale:CheckoutHold", "00:05:00") with { Time = clock }, replicas: 2);
}
