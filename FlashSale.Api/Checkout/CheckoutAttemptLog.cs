using System.Diagnostics;
using FlashSale.Api.Batching;
using FlashSale.Api.Configuration;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace FlashSale.Api.Checkout;

// Stores every checkout attempt before its answer leaves: attempts are gathered for a moment and written
// with one binary COPY (one round trip and one commit for the whole batch).
public sealed class CheckoutAttemptLog : IAsyncDisposable
{
    private readonly Database _database;
    private readonly Func<NpgsqlConnection, IReadOnlyList<CheckoutAttempt>, CancellationToken, Task> _copy;
    private readonly GroupCommitQueue<CheckoutAttempt, bool> _queue;

    public CheckoutAttemptLog(Database database, IOptions<FlashSaleOptions> options)
        : this(database, options, CopyAsync)
    {
    }

    // The same queue and Database path with each batch's COPY made by `copy`: the warm-up's rolls it back.
    internal CheckoutAttemptLog(
        Database database, IOptions<FlashSaleOptions> options, Func<NpgsqlConnection, IReadOnlyList<CheckoutAttempt>, CancellationToken, Task> copy)
    {
        _database = database;
        _copy = copy;
        _queue = new GroupCommitQueue<CheckoutAttempt, bool>(WriteAsync, options.Value.BatchWindow, options.Value.MaxBatchSize);
    }

    public Task RecordAsync(CheckoutAttempt attempt, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(attempt, cancellationToken);

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private async Task<IReadOnlyList<bool>> WriteAsync(
        IReadOnlyList<CheckoutAttempt> attempts, IReadOnlyList<ActivityLink> requests, CancellationToken cancellationToken)
    {
        using var activity = ActivitySources.Storage.StartActivity(
            "checkout_attempts write", ActivityKind.Internal, parentContext: default, links: requests);
        activity?.SetTag("flashsale.batch.size", attempts.Count);

        await _database.RunAsync(QueryTypes.Copy, Tables.CheckoutAttempts, (connection, ct) => _copy(connection, attempts, ct), cancellationToken);

        return Enumerable.Repeat(true, attempts.Count).ToArray();
    }

    // One binary COPY of the attempts, in the connection's transaction if it has one.
    internal static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<CheckoutAttempt> attempts, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "copy checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at) from stdin (format binary)", cancellationToken);
        foreach (var attempt in attempts)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(attempt.AttemptedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(attempt.UserId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(attempt.ItemId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(attempt.SaleId, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(attempt.ItemIndex, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(attempt.Outcome, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(attempt.Code, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(attempt.ExpiresAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }
}
