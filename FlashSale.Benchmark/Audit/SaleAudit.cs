using FlashSale.Benchmark.Load;
using Npgsql;

namespace FlashSale.Benchmark.Audit;

// Checks what PostgreSQL, the source of truth, holds for one sale against the rules and against what the tool
// saw. A failed check fails the run.
public static class SaleAudit
{
    public static async Task<AuditResult> RunAsync(
        string connectionString, long saleId, Scenario scenario, int shoppers, SeenSnapshot seen, CancellationToken cancellationToken)
    {
        // A busy machine makes the counts over a large sale slow; the audit waits rather than fails for that.
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 600, Timeout = 60 };
        await using var database = NpgsqlDataSource.Create(settings.ConnectionString);
        var checks = new List<AuditCheck>();

        // Right after a rush the planner's statistics still describe the tables as they were before it: one
        // anti-join below took 14 s on them. Fresh statistics change no data and let it take milliseconds.
        await using (var analyze = database.CreateCommand("analyze purchases, checkout_attempts"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        var (totalItems, maxPerUser) = await SingleAsync(database, "select total_items, max_items_per_user from sales where id = $1",
            reader => (reader.GetInt32(0), reader.GetInt32(1)), cancellationToken, saleId);

        var soldTwice = await ListAsync(database,
            "select item_index, count(*) from purchases where sale_id = $1 group by item_index having count(*) > 1 order by item_index limit 5",
            reader => $"item {reader.GetInt32(0)} sold {reader.GetInt64(1)} times", cancellationToken, saleId);
        checks.Add(AuditCheck.Of("no item sold twice", soldTwice.Count == 0, soldTwice.Count == 0 ? "every item sold at most once" : string.Join("; ", soldTwice)));

        var overLimit = await ListAsync(database,
            "select user_id, count(*) from purchases where sale_id = $1 group by user_id having count(*) > $2 order by user_id limit 5",
            reader => $"{reader.GetString(0)} bought {reader.GetInt64(1)}", cancellationToken, saleId, maxPerUser);
        checks.Add(AuditCheck.Of("nobody over the limit", overLimit.Count == 0,
            overLimit.Count == 0 ? $"nobody bought more than {maxPerUser}" : $"limit {maxPerUser}: {string.Join("; ", overLimit)}"));

        var unbacked = await ScalarAsync(database,
            """
            select count(*) from purchases p
            where p.sale_id = $1 and not exists (
                select 1 from checkout_attempts a
                where a.code = p.code and a.outcome = 'ok' and a.sale_id = p.sale_id and a.item_index = p.item_index and a.user_id = p.user_id)
            """, cancellationToken, saleId);
        checks.Add(AuditCheck.Of("every purchase redeems its buyer's granted checkout", unbacked == 0,
            unbacked == 0 ? "each purchase has the granted attempt of its code, item and user" : $"{unbacked} purchases have none"));

        var purchaseRows = await ScalarAsync(database, "select count(*) from purchases where sale_id = $1", cancellationToken, saleId);
        var itemsSold = await ScalarAsync(database, "select count(distinct item_index) from purchases where sale_id = $1", cancellationToken, saleId);
        checks.Add(AuditCheck.Of("items sold = purchase rows = 200 purchase answers",
            itemsSold == purchaseRows && Within(purchaseRows, seen.PurchasesOk, seen.PurchasesUnknown),
            $"{itemsSold} items sold, {purchaseRows} purchase rows, {seen.PurchasesOk} purchase answers 200"
            + (seen.PurchasesUnknown > 0 ? $" (+{seen.PurchasesUnknown} without answer)" : "")));

        var attemptRows = await ScalarAsync(database, "select count(*) from checkout_attempts where sale_id = $1", cancellationToken, saleId);
        checks.Add(AuditCheck.Of("attempt rows = checkout answers seen", Within(attemptRows, seen.CheckoutAnswers, seen.CheckoutUnknown),
            $"{attemptRows} attempt rows, {seen.CheckoutAnswers} checkout answers"
            + (seen.CheckoutUnknown > 0 ? $" (+{seen.CheckoutUnknown} without answer)" : "")));

        if (scenario == Scenario.Rush)
        {
            var demand = (long)shoppers * maxPerUser;
            var liveHolds = await ScalarAsync(database,
                """
                select count(distinct a.item_index) from checkout_attempts a
                where a.sale_id = $1 and a.outcome = 'ok' and a.expires_at > now()
                  and not exists (select 1 from purchases p where p.sale_id = a.sale_id and p.item_index = a.item_index)
                """, cancellationToken, saleId);
            if (demand <= totalItems)
            {
                checks.Add(AuditCheck.Skip("the whole stock sold", $"demand {demand} ({shoppers} shoppers x {maxPerUser}) is not above the {totalItems} items"));
            }
            else if (liveHolds > 0)
            {
                checks.Add(AuditCheck.Skip("the whole stock sold", $"{liveHolds} items still held by unexpired, unpurchased checkouts"));
            }
            else
            {
                checks.Add(AuditCheck.Of("the whole stock sold", itemsSold == totalItems, $"{itemsSold} of {totalItems} items sold, demand {demand}"));
            }
        }

        return new AuditResult(saleId, checks);
    }

    private static bool Within(long rows, long answered, long unknown) => rows >= answered && rows <= answered + unknown;

    private static NpgsqlCommand Command(NpgsqlDataSource database, string sql, object[] parameters)
    {
        var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(database, sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<T> SingleAsync<T>(NpgsqlDataSource database, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object[] parameters) =>
        (await ListAsync(database, sql, read, cancellationToken, parameters)) is [var only] ? only : throw new InvalidOperationException($"No row for: {sql}");

    private static async Task<List<T>> ListAsync<T>(NpgsqlDataSource database, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(database, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}

public sealed record AuditResult(long SaleId, IReadOnlyList<AuditCheck> Checks)
{
    public bool Passed => Checks.All(check => check.Status != AuditStatus.Failed);

    public IEnumerable<AuditCheck> Failures => Checks.Where(check => check.Status == AuditStatus.Failed);
}

public enum AuditStatus
{
    Passed,
    Failed,
    Skipped,
}

public sealed record AuditCheck(string Name, AuditStatus Status, string Detail)
{
    public static AuditCheck Of(string name, bool passed, string detail) => new(name, passed ? AuditStatus.Passed : AuditStatus.Failed, detail);

    public static AuditCheck Skip(string name, string why) => new(name, AuditStatus.Skipped, why);
}
