using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class PurchaseTests(Servers servers)
{
    [Fact]
    public async Task SameCodePurchasedTwiceSellsOnce()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);
        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();

        var first = (await stack.Api.PurchaseAsync(hold.Code)).Ok();
        var second = (await stack.Api.PurchaseAsync(hold.Code.ToUpperInvariant())).Ok();

        Assert.Equal(first, second);
        Assert.Equal(1L, await stack.ScalarAsync<long>("select count(*) from purchases"));
        Assert.Equal(1, await stack.ScalarAsync<int>("select purchased from user_purchase_counts where user_id = 'alice'"));
    }

    // A fresh database's first rush: a connection that ran purchase_batch while the tables were a page each kept
    // the plans made then, and scanned the whole of checkout_attempts for every code once it had grown (a first
    // rush that did not sell out in 30 s, 20,825 scans reading 120 million rows). Autovacuum is kept off so the
    // tables grow unseen, as they do between two of its visits.
    [Fact]
    public async Task PurchaseBatchLooksCodesUpByIndexAfterTheTablesGrewUnseen()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(20_000);
        await stack.ExecuteAsync("""
            alter table checkout_attempts set (autovacuum_enabled = off);
            alter table purchases set (autovacuum_enabled = off);
            alter table user_purchase_counts set (autovacuum_enabled = off);
            """);
        const string Attempts = """
            insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at)
            select now(), 'shopper' || (g % 2000), $1 || '-' || g, $1, g, 'ok', 'code-' || g, now() + interval '10 minutes'
            from generate_series($2, $3 - 1) g
            """;
        await stack.ExecuteAsync(Attempts, sale.Id, 0, 20);
        await stack.ExecuteAsync("vacuum checkout_attempts, purchases, user_purchase_counts");

        await using var connection = await stack.OpenConnectionAsync();
        for (var call = 0; call < 8; call++)
        {
            await PurchaseBatchAsync(connection, $"code-{call}");
        }

        await stack.ExecuteAsync(Attempts, sale.Id, 20, 20_000);
        await using var transaction = await connection.BeginTransactionAsync();
        await PurchaseBatchAsync(connection, [.. Enumerable.Range(100, 10).Select(i => $"code-{i}")]);
        await using var read = new NpgsqlCommand("""
            select sum(seq_scan)::bigint, sum(seq_tup_read + coalesce(idx_tup_fetch, 0))::bigint from pg_stat_xact_user_tables
            where relname in ('checkout_attempts', 'purchases', 'user_purchase_counts')
            """, connection);
        await using (var reader = await read.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(0L, reader.GetInt64(0));
            Assert.InRange(reader.GetInt64(1), 0L, 1_000L);
        }

        await transaction.CommitAsync();
        Assert.Equal(18L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    private static async Task PurchaseBatchAsync(NpgsqlConnection connection, params string[] codes)
    {
        await using var command = new NpgsqlCommand("select count(*) from purchase_batch($1, now())", connection);
        command.Parameters.AddWithValue(codes);
        await command.ExecuteScalarAsync();
    }

    // PostgreSQL answers a repeated code; while it cannot, Redis's copy of the receipt does. A code never redeemed
    // gets a 503 then, and buys once PostgreSQL answers again.
    [Fact]
    public async Task ARedeemedCodeIsAnsweredWhilePostgresCannotRedeem()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);
        var bought = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        var pending = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Ok();
        var receipt = (await stack.Api.PurchaseAsync(bought.Code)).Ok();

        var definition = await stack.ScalarAsync<string>("select pg_get_functiondef('purchase_batch'::regproc)");
        await stack.ExecuteAsync("""
            create or replace function purchase_batch(p_codes text[], p_now timestamptz)
            returns table (r_code text, r_outcome text, r_purchase_id bigint, r_sale_id bigint, r_item_index integer,
                r_user_id text, r_purchased_at timestamptz)
            language plpgsql as $$ begin raise exception 'purchases refused by the test'; end $$
            """);
        try
        {
            Assert.Equal(receipt, (await stack.Api.PurchaseAsync(bought.Code)).Ok());
            (await stack.Api.PurchaseAsync(pending.Code)).Refused(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        }
        finally
        {
            await stack.ExecuteAsync(definition);
        }

        (await stack.Api.PurchaseAsync(pending.Code)).Ok();
        Assert.Equal(receipt, (await stack.Api.PurchaseAsync(bought.Code)).Ok());
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    [Fact]
    public async Task SameCodePurchasedConcurrentlyOnTwoReplicasSellsOnce()
    {
        await using var stack = await TestStack.StartAsync(servers, replicas: 2);
        var sale = await stack.OpenSaleAsync(5);
        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 4))).Ok();

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => stack.Client(i % 2).PurchaseAsync(hold.Code)));

        var receipts = replies.Select(reply => reply.Ok()).ToList();
        Assert.Single(receipts.Select(r => r.PurchaseId).Distinct());
        Assert.Equal(1L, await stack.ScalarAsync<long>("select count(*) from purchases"));
        Assert.Equal(1, await stack.ScalarAsync<int>("select purchased from user_purchase_counts where user_id = 'alice'"));
    }

    [Fact]
    public async Task UnknownCodeIsNotFound()
    {
        await using var stack = await TestStack.StartAsync(servers);
        await stack.OpenSaleAsync(5);

        (await stack.Api.PurchaseAsync(new string('a', 32))).Refused(HttpStatusCode.NotFound, "code_not_found");
    }

    // No foreign key checks a purchase's item (migration 0010): purchase_batch itself refuses a granted attempt that
    // names an item outside its sale's stock, or a sale that does not exist, as no checkout could have given it.
    [Theory]
    [InlineData(0L, 5)]
    [InlineData(0L, 1000)]
    [InlineData(1_000_000L, 0)]
    public async Task ACodeForAnItemNoSaleHasIsNotFound(long saleOffset, int itemIndex)
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);
        var code = new string('b', 32);
        await stack.ExecuteAsync(
            """
            insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at)
            values (now(), 'mallory', 'forged', $1, $2, 'ok', $3, now() + interval '5 minutes')
            """,
            sale.Id + saleOffset, itemIndex, code);

        (await stack.Api.PurchaseAsync(code)).Refused(HttpStatusCode.NotFound, "code_not_found");

        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    public async Task MalformedCodeIsABadRequest(string? code)
    {
        await using var stack = await TestStack.StartAsync(servers);

        var problem = (await stack.Api.PurchaseAsync(code)).Refused(HttpStatusCode.BadRequest, "invalid_request");

        Assert.Equal("code", problem.Parameter);
    }

    [Fact]
    public async Task ExpiredHoldCannotBeBoughtAndTheItemReturnsToSale()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:CheckoutHold", "00:05:00") with { Time = clock });
        var sale = await stack.OpenSaleAsync(5);
        var item = FlashSaleClient.ItemId(sale.Id, 2);
        var abandoned = (await stack.Api.CheckoutAsync("alice", item)).Ok();
        (await stack.Api.CheckoutAsync("bob", item)).Refused(HttpStatusCode.Conflict, "item_reserved");

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        (await stack.Api.PurchaseAsync(abandoned.Code)).Refused(HttpStatusCode.Gone, "code_expired");
        Assert.Equal(5, (await stack.Api.SaleAsync(sale.Id)).Ok().ItemsAvailable);
        var second = (await stack.Api.CheckoutAsync("bob", item)).Ok();
        Assert.NotEqual(abandoned.Code, second.Code);
        (await stack.Api.PurchaseAsync(second.Code)).Ok();
        (await stack.Api.PurchaseAsync(abandoned.Code)).Refused(HttpStatusCode.Conflict, "item_sold");
    }

    [Fact]
    public async Task ExpiredHoldNoLongerCountsAgainstTheUserLimit()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "1") with { Time = clock });
        var sale = await stack.OpenSaleAsync(5);
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Refused(HttpStatusCode.Conflict, "user_limit_reached");

        clock.Advance(TimeSpan.FromMinutes(6));

        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Ok();
        (await stack.Api.PurchaseAsync(hold.Code)).Ok();
    }

    [Fact]
    public async Task PurchaseAfterTheSaleEndedIsRefused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await TestStack.StartAsync(servers, s => s with { Time = clock });
        var now = clock.GetUtcNow();
        var sale = (await stack.Admin.CreateSaleAsync(5, now, now.AddMinutes(2))).Ok();
        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();

        clock.Advance(TimeSpan.FromMinutes(2));

        (await stack.Api.PurchaseAsync(hold.Code)).Refused(HttpStatusCode.Conflict, "sale_ended");
        (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 1))).Refused(HttpStatusCode.NotFound, "no_active_sale");
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    // PostgreSQL enforces the limit by itself: here a purchase it already holds (made by another replica,
    // not yet known to Redis) makes the user's next purchase exceed it.
    [Fact]
    public async Task PostgresRefusesAPurchaseBeyondTheUserLimitEvenWhenRedisAllowedTheHold()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "1"));
        var sale = await stack.OpenSaleAsync(5);
        var hold = (await stack.Api.CheckoutAsync("alice", FlashSaleClient.ItemId(sale.Id, 0))).Ok();
        const string otherCode = "ffffffffffffffffffffffffffffffff";
        await stack.ExecuteAsync(
            "insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at) " +
            "values (now(), 'alice', $1, $2, 3, 'ok', $3, now() + interval '5 minutes')",
            FlashSaleClient.ItemId(sale.Id, 3), sale.Id, otherCode);
        await stack.ExecuteAsync("insert into user_purchase_counts (sale_id, user_id, purchased) values ($1, 'alice', 1)", sale.Id);
        await stack.ExecuteAsync(
            "insert into purchases (sale_id, item_index, user_id, code, purchased_at) values ($1, 3, 'alice', $2, now())", sale.Id, otherCode);

        (await stack.Api.PurchaseAsync(hold.Code)).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        Assert.Equal(1L, await stack.ScalarAsync<long>("select count(*) from purchases where user_id = 'alice'"));
    }
}
