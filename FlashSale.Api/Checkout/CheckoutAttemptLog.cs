using System.Diagnostics;
using FlashSale.Api.Batching;
using FlashSale.Api.Configuration;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using Microsoft.Extensions.Options;
using NpgsqlTypes;

namespace FlashSale.Api.Checkout;

// Stores every checkout attempt before its answer leaves: attempts are gathered for a moment and written
// with one binary COPY (one round trip and one commit for the whole batch).
public sealed class CheckoutAttemptLog : IAsyncDisposable
{
    private readonly Database _database;
    private readonly GroupCommitQueue<CheckoutAttempt, bool> _queue;

    public CheckoutAttemptLog(Database database, IOptions<FlashSaleOptions> options)
    {
        _database = database;
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

        await _database.RunAsync(QueryTypes.Copy, Tables.CheckoutAttempts, async (connection, ct) =>
        {
            await using var importer = await connection.BeginBinaryImportAsync(
                "copy checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at) from stdin (format binary)", ct);
            foreach (var attempt in attempts)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(attempt.AttemptedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(attempt.UserId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(attempt.ItemId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(attempt.SaleId, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(attempt.ItemIndex, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(attempt.Outcome, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(attempt.Code, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(attempt.ExpiresAt, NpgsqlDbType.TimestampTz, ct);
            }

            await importer.CompleteAsync(ct);
        }, cancellationToken);

        return Enumerable.Repeat(true, attempts.Count).ToArray();
    }
}
