using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class PostgresFailureTests(Servers servers)
{
    // A trigger makes every write to a table fail inside PostgreSQL, as a full disk or a broken statement would,
    // while reads go on. Requests are sent together so that the group-commit batches carry several of them: every
    // request of a failed batch must hear of the failure. Nothing is acknowledged that is not stored.
    [Fact]
    public async Task CheckoutsAndPurchasesWhoseWriteFailsAreNeverAcknowledged()
    {
        await using var stack = await TestStack.StartAsync(servers, replicas: 2);
        var sale = await stack.OpenSaleAsync(60);
        string Item(int index) => FlashSaleClient.ItemId(sale.Id, index);
        var held = new List<CheckoutDto>();
        for (var i = 0; i < 10; i++)
        {
            held.Add((await stack.Client(i % 2).CheckoutAsync($"holder{i}", Item(i))).Ok());
        }

        await stack.ExecuteAsync("""
            create function refuse_writes() returns trigger language plpgsql as $$
            begin
                raise exception 'writes to % refused by the test', tg_table_name;
            end;
            $$
            """);

        await RefuseWritesAsync(stack, "checkout_attempts");
        var checkouts = await Task.WhenAll(Enumerable.Range(10, 30).Select(i => stack.Client(i % 2).CheckoutAsync($"shopper{i}", Item(i))));
        await AssertStoredOrUnavailableAsync(checkouts, hold => stack.ScalarAsync<long>("select count(*) from checkout_attempts where code = $1", hold.Code));
        await AllowWritesAsync(stack, "checkout_attempts");

        await RefuseWritesAsync(stack, "purchases");
        var purchases = await Task.WhenAll(held.Select((hold, i) => stack.Client(i % 2).PurchaseAsync(hold.Code)));
        await AssertStoredOrUnavailableAsync(purchases, receipt => stack.ScalarAsync<long>("select count(*) from purchases where id = $1", receipt.PurchaseId));
        await AllowWritesAsync(stack, "purchases");

        // Once PostgreSQL takes writes again: the refused checkouts left no hold behind, the held codes still buy.
        foreach (var (reply, i) in checkouts.Select((reply, i) => (reply, i + 10)).Where(c => c.reply.Status != HttpStatusCode.OK))
        {
            (await stack.Client(i % 2).CheckoutAsync($"later{i}", Item(i))).Ok();
        }

        foreach (var hold in held)
        {
            (await stack.Api.PurchaseAsync(hold.Code)).Ok();
        }

        Assert.Equal(10L, await stack.ScalarAsync<long>("select count(*) from purchases"));
    }

    // Each answer is either a success that PostgreSQL holds, or a 503; and the write did fail for some.
    private static async Task AssertStoredOrUnavailableAsync<T>(Reply<T>[] replies, Func<T, Task<long>> stored)
    {
        foreach (var reply in replies)
        {
            if (reply.Status == HttpStatusCode.OK)
            {
                Assert.Equal(1L, await stored(reply.Value!));
            }
            else
            {
                reply.Refused(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
            }
        }

        Assert.Contains(replies, reply => reply.Status == HttpStatusCode.ServiceUnavailable);
    }

    private static Task RefuseWritesAsync(TestStack stack, string table) => stack.ExecuteAsync(
        $"create trigger refuse_writes before insert or update on {table} for each row execute function refuse_writes()");

    private static Task AllowWritesAsync(TestStack stack, string table) => stack.ExecuteAsync($"drop trigger refuse_writes on {table}");
}
