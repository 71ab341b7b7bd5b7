using System.Diagnostics;
using FlashSale.Api.Telemetry;
using Npgsql;

namespace FlashSale.Api.Storage;

// The one path every FlashSale statement takes to PostgreSQL, so each is timed and its failures counted
// under a bounded {query_type, table} pair. Npgsql adds a span per command.
public sealed class Database(NpgsqlDataSource dataSource, DatabaseMetrics metrics)
{
    public async Task<T> RunAsync<T>(
        string queryType, string table, Func<NpgsqlConnection, CancellationToken, Task<T>> query, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await query(connection, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            failed = true;
            throw;
        }
        finally
        {
            metrics.RecordQuery(queryType, table, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    public async Task RunAsync(
        string queryType, string table, Func<NpgsqlConnection, CancellationToken, Task> query, CancellationToken cancellationToken) =>
        await RunAsync(queryType, table, async (connection, ct) =>
        {
            await query(connection, ct);
            return true;
        }, cancellationToken);
}

public static class QueryTypes
{
    public const string Select = "select";
    public const string Insert = "insert";
    public const string Copy = "copy";
    public const string Function = "function";
    public const string Migrate = "migrate";
    public const string Health = "health";
}

public static class Tables
{
    public const string Sales = "sales";
    public const string Items = "items";
    public const string CheckoutAttempts = "checkout_attempts";
    public const string Purchases = "purchases";
    public const string Schema = "schema";
    public const string None = "none";
}
