using FlashSale.Api.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FlashSale.Api.Sales;

public sealed record SaleSummary(Sale Sale, int ItemsSold);

// Held: a granted checkout of the item has not expired (and it is not sold), as the sale's figures count it.
public sealed record SaleItem(ItemId Id, string Name, string ImageUrl, bool Sold, bool Held);

public enum ItemStatusFilter
{
    All,
    Available,
    Sold,
}

public sealed class SaleRepository(Database database)
{
    private const string SaleColumns = "id, starts_at, ends_at, total_items, max_items_per_user";

    // Creates the sale and its whole stock in one transaction, so no replica ever sees a sale without items.
    // Returns null when the window overlaps an existing sale (another replica, or the admin, got there first).
    public Task<Sale?> CreateAsync(SaleWindow window, int totalItems, int maxItemsPerUser, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Insert, Tables.Sales, async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var insert = new NpgsqlCommand(
                $"""
                insert into sales (starts_at, ends_at, total_items, max_items_per_user)
                values ($1, $2, $3, $4)
                on conflict do nothing
                returning {SaleColumns}
                """, connection, transaction)
            {
                Parameters = { new() { Value = window.StartsAt }, new() { Value = window.EndsAt }, new() { Value = totalItems }, new() { Value = maxItemsPerUser } },
            };
            var sale = await ReadSaleAsync(insert, ct);
            if (sale is null)
            {
                return null;
            }

            await CopyStockAsync(connection, sale, ct);
            await transaction.CommitAsync(ct);
            return sale;
        }, cancellationToken);

    // The sale open at `now` and the one after it (or the next two when none is open), in window order.
    public Task<IReadOnlyList<Sale>> FindOpenAndNextAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Sales, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"select {SaleColumns} from sales where ends_at > $1 order by starts_at limit 2", connection)
            {
                Parameters = { new() { Value = now } },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            List<Sale> found = [];
            while (await reader.ReadAsync(ct))
            {
                found.Add(ReadSale(reader));
            }

            return (IReadOnlyList<Sale>)found;
        }, cancellationToken);

    public Task<Sale?> FindOpenAtAsync(DateTimeOffset instant, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Sales, (connection, ct) => ReadSaleAsync(
            new NpgsqlCommand($"select {SaleColumns} from sales where starts_at <= $1 and ends_at > $1", connection)
            {
                Parameters = { new() { Value = instant } },
            }, ct), cancellationToken);

    public Task<bool> AnyOverlappingAsync(SaleWindow window, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Sales, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "select exists (select 1 from sales where tstzrange(starts_at, ends_at, '[)') && tstzrange($1, $2, '[)'))", connection)
            {
                Parameters = { new() { Value = window.StartsAt }, new() { Value = window.EndsAt } },
            };
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }, cancellationToken);

    public Task<Sale?> FindAsync(long saleId, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Sales, (connection, ct) => ReadSaleAsync(
            new NpgsqlCommand($"select {SaleColumns} from sales where id = $1", connection)
            {
                Parameters = { new() { Value = saleId } },
            }, ct), cancellationToken);

    // Sold items come from purchases and held ones from the unexpired granted checkouts: both from the
    // source of truth, so every replica answers the same. The sale is `s`; $now is the sale clock.
    private const string SoldCount = "(select count(*) from purchases p where p.sale_id = s.id)::int";

    // Live holds except sold items, as two index scans and a set difference whatever the planner estimates: the
    // anti-join it replaces took 1.4 s per count in a benchmark rush (docs/benchmarks.md).
    private const string HeldCount = """
        (select count(*) from (
            select a.item_index from checkout_attempts a where a.sale_id = s.id and a.outcome = 'ok' and a.expires_at > $2
            except
            select p.item_index from purchases p where p.sale_id = s.id) live)::int
        """;

    public Task<(int Sold, int Held)> CountSoldAndHeldAsync(long saleId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Purchases, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"select {SoldCount}, {HeldCount} from sales s where s.id = $1", connection)
            {
                Parameters = { new() { Value = saleId }, new() { Value = now } },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? (reader.GetInt32(0), reader.GetInt32(1)) : (0, 0);
        }, cancellationToken);

    // Sales newest first (upcoming ones lead), after the sale `afterId` when given. Sale windows never
    // overlap, so (starts_at, id) orders them totally and a page boundary is stable. The running sale is not
    // counted here: its figures come from SaleFigures, counted once a second however many lists are read.
    public Task<IReadOnlyList<SaleSummary>> ListAsync(long? afterId, int limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Sales, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                $"""
                select s.id, s.starts_at, s.ends_at, s.total_items, s.max_items_per_user,
                    case when s.starts_at <= $2 and s.ends_at > $2 then 0 else {SoldCount} end
                from sales s
                where $1::bigint is null or (s.starts_at, s.id) < (select b.starts_at, b.id from sales b where b.id = $1)
                order by s.starts_at desc, s.id desc
                limit $3
                """, connection)
            {
                Parameters =
                {
                    new() { Value = afterId is { } after ? after : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                    new() { Value = now },
                    new() { Value = limit },
                },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            List<SaleSummary> sales = [];
            while (await reader.ReadAsync(ct))
            {
                sales.Add(new SaleSummary(ReadSale(reader), reader.GetInt32(5)));
            }

            return (IReadOnlyList<SaleSummary>)sales;
        }, cancellationToken);

    // sale_items_page (migration 0008) joins the sale's items, purchases and live holds without nested loops, so a
    // page costs at most one read of each, whatever the statistics say of a sale they have not seen.
    public Task<IReadOnlyList<SaleItem>> ListItemsAsync(
        long saleId, ItemStatusFilter status, int afterIndex, int limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Select, Tables.Items, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "select r_item_index, r_name, r_image_url, r_sold, r_held from sale_items_page($1, $2, $3, $4, $5)", connection)
            {
                Parameters =
                {
                    new() { Value = saleId },
                    new() { Value = afterIndex },
                    new() { Value = limit },
                    new() { Value = now },
                    new() { Value = status switch { ItemStatusFilter.Available => "available", ItemStatusFilter.Sold => "sold", _ => "all" } },
                },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            List<SaleItem> items = [];
            while (await reader.ReadAsync(ct))
            {
                items.Add(new SaleItem(new ItemId(saleId, reader.GetInt32(0)), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4)));
            }

            return (IReadOnlyList<SaleItem>)items;
        }, cancellationToken);

    private static async Task CopyStockAsync(NpgsqlConnection connection, Sale sale, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "copy items (sale_id, item_index, name, image_url) from stdin (format binary)", cancellationToken);
        for (var index = 0; index < sale.TotalItems; index++)
        {
            var item = new ItemId(sale.Id, index);
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(sale.Id, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(index, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(StockGenerator.NameOf(item), NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(StockGenerator.ImageUrlOf(item), NpgsqlDbType.Text, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task<Sale?> ReadSaleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadSale(reader) : null;
        }
    }

    private static Sale ReadSale(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetFieldValue<DateTimeOffset>(2),
        reader.GetInt32(3),
        reader.GetInt32(4));
}
