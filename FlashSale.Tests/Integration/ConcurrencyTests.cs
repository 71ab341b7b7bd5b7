using System.Collections.Concurrent;
using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class ConcurrencyTests(Servers servers)
{
    private const int Shoppers = 200;
    private const int Items = 50;
    private const int Limit = 2;
    private const int WantedPerShopper = 4;

    // 200 shoppers race for 50 items through two replicas sharing PostgreSQL and Redis. Each wants more
    // than the limit allows, checks out random items and buys what it holds.
    [Fact]
    public async Task ShoppersRacingOnTwoReplicasNeverBreakTheRules()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)), replicas: 2);
        var sale = await stack.OpenSaleAsync(Items);
        var clients = new[] { stack.Client(0), stack.Client(1) };
        var checkoutsSent = 0;
        var refusals = new ConcurrentBag<string>();
        using var start = new SemaphoreSlim(0);

        var shoppers = Enumerable.Range(0, Shoppers).Select(async shopper =>
        {
            var random = new Random(shopper);
            var userId = $"shopper-{shopper}";
            var bought = 0;
            var soldInARow = 0;
            await start.WaitAsync();
            for (var attempt = 0; attempt < 60 && bought < WantedPerShopper; attempt++)
            {
                var api = clients[(shopper + attempt) % 2];
                Interlocked.Increment(ref checkoutsSent);
                var checkout = await api.CheckoutAsync(userId, FlashSaleClient.ItemId(sale.Id, random.Next(Items)));
                if (checkout.Status != HttpStatusCode.OK)
                {
                    refusals.Add(checkout.Problem!.Code!);
                    soldInARow = checkout.Problem.Code == "item_sold" ? soldInARow + 1 : 0;
                    if (checkout.Problem.Code == "user_limit_reached" || soldInARow == 10)
                    {
                        break;
                    }

                    continue;
                }

                soldInARow = 0;
                var purchase = await clients[(shopper + attempt + 1) % 2].PurchaseAsync(checkout.Value!.Code);
                if (purchase.Status == HttpStatusCode.OK)
                {
                    bought++;
                }
            }
        }).ToList();
        start.Release(Shoppers);
        await Task.WhenAll(shoppers);

        Assert.Equal(0L, await stack.ScalarAsync<long>(
            "select count(*) from (select sale_id, item_index from purchases group by 1, 2 having count(*) > 1) twice"));
        Assert.Equal(0L, await stack.ScalarAsync<long>(
            "select count(*) from (select user_id from purchases group by user_id having count(*) > $1) over_limit", Limit));
        Assert.Equal((long)checkoutsSent, await stack.ScalarAsync<long>("select count(*) from checkout_attempts"));
        Assert.Equal((long)Items, await stack.ScalarAsync<long>("select count(*) from purchases"));
        Assert.Equal(Items, (await stack.Api.SaleAsync(sale.Id)).Ok().ItemsSold);
        Assert.Contains("item_sold", refusals);
        Assert.DoesNotContain("dependency_unavailable", refusals);
    }
}
