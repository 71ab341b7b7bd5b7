using Npgsql;

namespace FlashSale.Tests.Scenarios;

// What must hold after a crowd bought through a fault, checked in what its shoppers saw and in PostgreSQL.
public static class CrowdInvariants
{
    // The outage as the crowd's clock saw it: from the fault until every replica answered /health 200 again.
    public sealed record Outage(TimeSpan Began, TimeSpan Ended);

    // `unanswered`: which requests may go without an answer (sent to a replica that was killed or stopping), if any.
    public static async Task AssertAsync(string database, TestCrowd crowd, SaleDto sale, int limit, Outage outage,
        bool dependencyUnavailableAllowed, Func<TestCrowd.Answer, bool>? unanswered = null)
    {
        var answers = crowd.Answers.ToList();
        var summary = crowd.Summary();

        // What clients saw: no 500; a 503 only as dependency_unavailable and only during the outage; an answer to
        // every request within its timeout (unless a replica was killed under it).
        Assert.DoesNotContain(answers, a => a.Status >= 500 && a.Status != 503);
        Assert.All(answers.Where(a => a.Status == 503), a => Assert.Equal("dependency_unavailable", a.Code));
        if (dependencyUnavailableAllowed)
        {
            Assert.All(answers.Where(a => a.Status == 503), a => Assert.True(
                a.Sent + a.Took >= outage.Began && a.Sent <= outage.Ended,
                $"A 503 outside the outage {outage}: {a}"));
        }
        else
        {
            Assert.True(answers.All(a => a.Status != 503), $"503s while the fault should not show: {summary}");
        }

        var unansweredAllowed = unanswered ?? (_ => false);
        var late = answers.Where(a => (a.Status == 0 || a.Took > crowd.RequestTimeout) && !unansweredAllowed(a)).ToList();
        Assert.True(late.Count == 0, $"Requests without an answer in time: {string.Join("; ", late.Take(5))} ({summary})");

        // What PostgreSQL holds: every acknowledged receipt and every granted code; nobody over the limit; the whole
        // stock sold once the fault was repaired.
        await using var data = NpgsqlDataSource.Create(database);
        var receipts = answers.Where(a => a is { Kind: TestCrowd.Kind.Purchase, Status: 200 }).ToList();
        var receiptIds = receipts.Select(a => a.PurchaseId!.Value).Distinct().ToArray();
        Assert.Equal((long)receiptIds.Length, await ScalarAsync(data,
            "select count(*) from purchases p join checkout_attempts a on a.code = p.code and a.outcome = 'ok' where p.id = any($1)", (object)receiptIds));
        Assert.Equal(receipts.Select(a => (a.PurchaseId, a.CheckoutCode)).Distinct().Count(), receiptIds.Length);
        var granted = answers.Where(a => a is { Kind: TestCrowd.Kind.Checkout, Status: 200 }).Select(a => a.CheckoutCode!).Distinct().ToArray();
        Assert.Equal((long)granted.Length, await ScalarAsync(data,
            "select count(distinct code) from checkout_attempts where outcome = 'ok' and code = any($1)", (object)granted));
        Assert.Equal(0L, await ScalarAsync(data,
            "select count(*) from (select user_id from purchases where sale_id = $1 group by user_id having count(*) > $2) over", sale.Id, limit));
        Assert.True(sale.TotalItems == await ScalarAsync(data, "select count(*) from purchases where sale_id = $1", sale.Id),
            $"The stock was not sold out after the repair: {summary}");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource data, string sql, params object[] parameters)
    {
        await using var command = data.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }
}
