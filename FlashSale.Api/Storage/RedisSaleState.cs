using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.Api.Purchases;
using FlashSale.Api.Sales;
using Npgsql;

namespace FlashSale.Api.Storage;

// Keeps Redis's picture of a sale (sold items, purchase counts, holds) rebuildable from PostgreSQL: after
// Redis lost its data, or after an outage during which PostgreSQL decided alone, the next checkout reloads
// the sale under the redis_rebuild lock before Redis decides again.
public sealed partial class RedisSaleState(
    RedisCommands redis, RedisKeys keys, RedisLock locks, Database database, ILogger<RedisSaleState> logger)
{
    private static readonly TimeSpan LoadLockTtl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LoadWaitStep = TimeSpan.FromMilliseconds(20);
    private const int LoadWaitSteps = 100;

    private volatile bool _stale;

    public void MarkStale() => _stale = true;

    public static long KeyLifetimeMilliseconds(Sale sale, DateTimeOffset now) =>
        (long)Math.Max(60_000, (sale.EndsAt - now + TimeSpan.FromHours(1)).TotalMilliseconds);

    public async Task<bool> EnsureUsableAsync(Sale sale, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            _stale = true;
            return false;
        }

        if (!_stale)
        {
            return true;
        }

        try
        {
            await redis.RunAsync("DEL", db => db.KeyDeleteAsync(keys.Loaded(sale.Id)), cancellationToken);
            _stale = false;
            LogReloadRequested(logger, sale.Id);
            return true;
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            return false;
        }
    }

    // Loads an upcoming sale before its window, so its first checkout is decided by one script like every other.
    // False when Redis cannot answer now.
    public async Task<bool> PreloadAsync(Sale sale, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await redis.RunAsync("EXISTS", db => db.KeyExistsAsync(keys.Loaded(sale.Id)), cancellationToken)
                || await LoadAsync(sale, now, cancellationToken);
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            return false;
        }
    }

    // True when the sale's state is loaded (by this replica or, after a short wait, by another one).
    public async Task<bool> LoadAsync(Sale sale, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (outcome, lease) = await locks.TryAcquireAsync(RedisLock.RedisRebuild, sale.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), LoadLockTtl, cancellationToken);
        if (outcome == LockOutcome.Unavailable)
        {
            return false;
        }

        if (outcome == LockOutcome.Contended)
        {
            return await WaitForLoadAsync(sale, cancellationToken);
        }

        await using (lease)
        {
            // Purchases go on meanwhile and are mirrored into Redis between these two steps: the reload must
            // merge with them, never overwrite them (see rebuild_sale.lua).
            var state = await ReadStateAsync(sale, now, cancellationToken);
            await ApplyStateAsync(sale, state, now, cancellationToken);
        }

        return true;
    }

    internal async Task ApplyStateAsync(Sale sale, Snapshot state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var loaded = await redis.ScriptAsync(
            RedisScript.RebuildSale,
            [keys.Loaded(sale.Id)],
            [keys.SalePrefix(sale.Id), keys.PurchasePrefix, KeyLifetimeMilliseconds(sale, now), now.ToUnixTimeMilliseconds(), JsonSerializer.Serialize(state, SnapshotJsonContext.Default.Snapshot)],
            cancellationToken);
        LogSaleLoaded(logger, sale.Id, (int)loaded, state.Purchases.Select(p => p.UserId).Distinct().Count(), state.Holds.Count);
    }

    private async Task<bool> WaitForLoadAsync(Sale sale, CancellationToken cancellationToken)
    {
        for (var step = 0; step < LoadWaitSteps; step++)
        {
            await Task.Delay(LoadWaitStep, cancellationToken);
            if (await redis.RunAsync("EXISTS", db => db.KeyExistsAsync(keys.Loaded(sale.Id)), cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    internal Task<Snapshot> ReadStateAsync(Sale sale, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Purchases, async (connection, ct) =>
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new("select id, item_index, user_id, code, purchased_at from purchases where sale_id = $1") { Parameters = { new() { Value = sale.Id } } },
                    new("""
                        select distinct on (a.item_index) a.item_index, a.user_id, a.code, a.expires_at
                        from checkout_attempts a
                        where a.sale_id = $1 and a.outcome = 'ok' and a.expires_at > $2
                        order by a.item_index, a.id desc
                        """) { Parameters = { new() { Value = sale.Id }, new() { Value = now } } },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct);
            List<SoldState> purchases = [];
            while (await reader.ReadAsync(ct))
            {
                var receipt = new PurchaseReceipt(reader.GetInt64(0), sale.Id, new ItemId(sale.Id, reader.GetInt32(1)).ToString(),
                    reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(4));
                purchases.Add(new SoldState(reader.GetInt32(1), reader.GetString(2), reader.GetString(3), receipt.ToJson()));
            }

            // Holds of sold items are dropped here rather than by an anti-join in SQL: on statistics taken before
            // the sale existed the planner ran that join as a nested loop reading every purchase of the sale again
            // for each hold (1.5 s for 10,000 holds and 1,000 purchases, beyond the command timeout near a sell-out).
            var sold = purchases.Select(purchase => purchase.Index).ToHashSet();
            await reader.NextResultAsync(ct);
            List<HoldState> holds = [];
            while (await reader.ReadAsync(ct))
            {
                var index = reader.GetInt32(0);
                if (!sold.Contains(index))
                {
                    holds.Add(new HoldState(index, reader.GetString(1), reader.GetString(2),
                        reader.GetFieldValue<DateTimeOffset>(3).ToUnixTimeMilliseconds()));
                }
            }

            return new Snapshot(purchases, holds);
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis may have missed decisions taken without it; sale {SaleId} will be reloaded")]
    private static partial void LogReloadRequested(ILogger logger, long saleId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded sale {SaleId} into Redis: {Sold} sold items, {Users} buyers, {Holds} live holds")]
    private static partial void LogSaleLoaded(ILogger logger, long saleId, int sold, int users, int holds);

    // Short member names: this is the JSON read by rebuild_sale.lua.
    internal sealed record Snapshot(
        [property: JsonPropertyName("purchases")] List<SoldState> Purchases,
        [property: JsonPropertyName("holds")] List<HoldState> Holds);

    internal sealed record SoldState(
        [property: JsonPropertyName("i")] int Index,
        [property: JsonPropertyName("u")] string UserId,
        [property: JsonPropertyName("c")] string Code,
        [property: JsonPropertyName("j")] string Receipt);

    internal sealed record HoldState(
        [property: JsonPropertyName("i")] int Index,
        [property: JsonPropertyName("u")] string UserId,
        [property: JsonPropertyName("c")] string Code,
        [property: JsonPropertyName("e")] long ExpiresAtMs);
}
