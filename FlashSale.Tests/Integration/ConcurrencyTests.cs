using System.Collections.Concurrent;
using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Npgsql;

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
        Assert.Equal(Items, (await stack.Api.SaleOnceAsync(sale.Id, s => s.ItemsSold == Items)).ItemsSold);
        Assert.Contains("item_sold", refusals);
        Assert.DoesNotContain("dependency_unavailable", refusals);
    }

    // Redis's guard alone: checkouts are decided by the Lua script, PostgreSQL only stores the attempts. One shopper
    // asks for many items at once through two replicas, many shoppers ask for one item at once: the limit and the
    // single holder hold.
    [Fact]
    public async Task RedisAloneKeepsRacingCheckoutsWithinTheLimitAndOneHolderPerItem()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "3"), replicas: 2);
        var sale = await stack.OpenSaleAsync(60);

        var greedy = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => stack.Client(i % 2).CheckoutAsync("greedy", FlashSaleClient.ItemId(sale.Id, i))));
        var rivals = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => stack.Client(i % 2).CheckoutAsync($"rival{i}", FlashSaleClient.ItemId(sale.Id, 59))));

        Assert.Equal(3, greedy.Count(reply => reply.Status == HttpStatusCode.OK));
        Assert.All(greedy.Where(reply => reply.Status != HttpStatusCode.OK), reply => reply.Refused(HttpStatusCode.Conflict, "user_limit_reached"));
        Assert.Single(rivals, reply => reply.Status == HttpStatusCode.OK);
        Assert.All(rivals.Where(reply => reply.Status != HttpStatusCode.OK), reply => reply.Refused(HttpStatusCode.Conflict, "item_reserved"));
        Assert.Equal(4L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts where outcome = 'ok'"));

        // Redis decided every one of them: none fell back to PostgreSQL's guard.
        foreach (var host in stack.Hosts)
        {
            var metrics = PrometheusText.Parse(await host.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative)));
            Assert.Equal(0, metrics.Sum("redis_command_errors_total"));
            Assert.Equal(0, metrics.Sum("db_query_duration_seconds_count", ("query_type", "function"), ("table", "checkout_attempts")));
        }
    }

    // PostgreSQL's guard alone: the granted checkouts are written straight into PostgreSQL, so Redis never decided
    // them (as if its guard were absent): one shopper holds codes for more items than the limit, and several shoppers
    // hold codes for the same item. Their purchases race through two replicas; purchase_batch decides alone.
    [Fact]
    public async Task PostgresAloneKeepsRacingPurchasesWithinTheLimitAndSellsEachItemOnce()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "3"), replicas: 2);
        var sale = await stack.OpenSaleAsync(60);
        var greedyCodes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => GrantInPostgresAsync(stack, sale.Id, i, "greedy")));
        var rivalCodes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => GrantInPostgresAsync(stack, sale.Id, 59, $"rival{i}")));

        var purchases = await Task.WhenAll(greedyCodes.Concat(rivalCodes).Select((code, i) => stack.Client(i % 2).PurchaseAsync(code)));
        var greedy = purchases[..20];
        var rivals = purchases[20..];

        Assert.Equal(3, greedy.Count(reply => reply.Status == HttpStatusCode.OK));
        Assert.All(greedy.Where(reply => reply.Status != HttpStatusCode.OK), reply => reply.Refused(HttpStatusCode.Conflict, "user_limit_reached"));
        Assert.Single(rivals, reply => reply.Status == HttpStatusCode.OK);
        Assert.All(rivals.Where(reply => reply.Status != HttpStatusCode.OK), reply => reply.Refused(HttpStatusCode.Conflict, "item_sold"));
        Assert.Equal(3L, await stack.ScalarAsync<long>("select count(*) from purchases where user_id = 'greedy'"));
        Assert.Equal(3, await stack.ScalarAsync<int>("select purchased from user_purchase_counts where user_id = 'greedy'"));
    }

    // Another replica's transaction is selling item 2 when the buyer's batch tries to buy it: the batch waits for that
    // transaction. Once it commits, the buyer's code of item 2 is refused as item_sold, and the code of item 3, which
    // the limit left to the buyer (one item of two), is bought: the sale the batch met does not use up the buyer's limit.
    [Fact]
    public async Task APurchaseThatMeetsAnotherSaleOfItsItemLeavesTheBuyersLimitToTheirOtherCodes()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s
            .With("FlashSale:MaxItemsPerUser", "2")
            .With("FlashSale:BatchWindow", "00:00:00.100"));
        var sale = await stack.OpenSaleAsync(60);
        var first = await GrantInPostgresAsync(stack, sale.Id, 1, "buyer");
        var contested = await GrantInPostgresAsync(stack, sale.Id, 2, "buyer");
        var other = await GrantInPostgresAsync(stack, sale.Id, 3, "buyer");
        (await stack.Api.PurchaseAsync(first)).Ok();

        await using var rival = await stack.OpenConnectionAsync();
        await using var selling = await rival.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "insert into purchases (sale_id, item_index, user_id, code, purchased_at) values ($1, 2, 'rival', 'rival-code', now())", rival, selling))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = sale.Id });
            await insert.ExecuteNonQueryAsync();
        }

        var purchases = Task.WhenAll(stack.Api.PurchaseAsync(contested), stack.Api.PurchaseAsync(other));
        await Waiting.Eventually(async () => await stack.ScalarAsync<long>(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%purchase_batch%'") > 0
            ? null
            : "no purchase batch waits for the rival's sale of item 2");
        await selling.CommitAsync();

        var replies = await purchases;
        replies[0].Refused(HttpStatusCode.Conflict, "item_sold");
        replies[1].Ok();
        Assert.Equal(2, await stack.ScalarAsync<int>("select purchased from user_purchase_counts where user_id = 'buyer'"));
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from purchases where user_id = 'buyer'"));
    }

    private static async Task<string> GrantInPostgresAsync(TestStack stack, long saleId, int index, string userId)
    {
        var code = Guid.NewGuid().ToString("N");
        await stack.ExecuteAsync(
            """
            insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at)
            values (now(), $1, $2, $3, $4, 'ok', $5, now() + interval '5 minutes')
            """,
            userId, FlashSaleClient.ItemId(saleId, index), saleId, index, code);
        return code;
    }
}
