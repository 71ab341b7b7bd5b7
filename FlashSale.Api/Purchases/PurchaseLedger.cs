using System.Diagnostics;
using FlashSale.Api.Batching;
using FlashSale.Api.Configuration;
using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlashSale.Api.Purchases;

// Redeems codes in PostgreSQL, many at a time: purchases are gathered for a moment and run through
// purchase_batch in one transaction, turning one disk sync per purchase into one per batch.
public sealed class PurchaseLedger : IAsyncDisposable
{
    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly GroupCommitQueue<string, PurchaseOutcome> _queue;

    public PurchaseLedger(Database database, TimeProvider time, IOptions<FlashSaleOptions> options)
    {
        _database = database;
        _time = time;
        _queue = new GroupCommitQueue<string, PurchaseOutcome>(RedeemBatchAsync, options.Value.BatchWindow, options.Value.MaxBatchSize);
    }

    // A code purchase_batch answered 'retry' (the batch met a purchase its snapshot could not see, of the code's own
    // item or of the item of another code of the same buyer) goes into the next batch, which sees that purchase.
    public async Task<PurchaseOutcome> RedeemAsync(string code, CancellationToken cancellationToken)
    {
        while (true)
        {
            var outcome = await _queue.EnqueueAsync(code, cancellationToken);
            if (outcome.Outcome != PurchaseOutcome.Retry)
            {
                return outcome;
            }
        }
    }

    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    public Task<IReadOnlyList<PurchaseReceipt>> ListForUserAsync(string userId, long? saleId, CancellationToken cancellationToken) =>
        _database.RunAsync(QueryTypes.Select, Tables.Purchases, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                """
                select id, sale_id, item_index, purchased_at from purchases
                where user_id = $1 and ($2::bigint is null or sale_id = $2)
                order by purchased_at desc, id desc
                limit 1000
                """, connection)
            {
                Parameters = { new() { Value = userId }, new() { Value = (object?)saleId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint } },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            List<PurchaseReceipt> receipts = [];
            while (await reader.ReadAsync(ct))
            {
                var sale = reader.GetInt64(1);
                receipts.Add(new PurchaseReceipt(reader.GetInt64(0), sale, new ItemId(sale, reader.GetInt32(2)).ToString(), userId,
                    reader.GetFieldValue<DateTimeOffset>(3)));
            }

            return (IReadOnlyList<PurchaseReceipt>)receipts;
        }, cancellationToken);

    private async Task<IReadOnlyList<PurchaseOutcome>> RedeemBatchAsync(
        IReadOnlyList<string> codes, IReadOnlyList<ActivityLink> requests, CancellationToken cancellationToken)
    {
        using var activity = ActivitySources.Storage.StartActivity(
            "purchases redeem", ActivityKind.Internal, parentContext: default, links: requests);
        activity?.SetTag("flashsale.batch.size", codes.Count);

        var byCode = await _database.RunAsync(QueryTypes.Function, Tables.Purchases, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("select * from purchase_batch($1, $2)", connection)
            {
                Parameters = { new() { Value = codes.Distinct().ToArray() }, new() { Value = _time.GetUtcNow() } },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            Dictionary<string, PurchaseOutcome> outcomes = new(codes.Count);
            while (await reader.ReadAsync(ct))
            {
                var code = reader.GetString(0);
                var outcome = reader.GetString(1);
                var receipt = reader.IsDBNull(2)
                    ? null
                    : new PurchaseReceipt(reader.GetInt64(2), reader.GetInt64(3), new ItemId(reader.GetInt64(3), reader.GetInt32(4)).ToString(),
                        reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
                outcomes[code] = new PurchaseOutcome(outcome, receipt);
            }

            return outcomes;
        }, cancellationToken);

        // A code sent twice in one batch: the first is the purchase, the others see it as already made.
        HashSet<string> answered = [];
        return codes.Select(code =>
        {
            var outcome = byCode[code];
            return outcome.Outcome == PurchaseOutcome.Purchased && !answered.Add(code)
                ? outcome with { Outcome = PurchaseOutcome.AlreadyPurchased }
                : outcome;
        }).ToList();
    }
}
