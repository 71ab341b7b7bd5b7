using System.Diagnostics;

namespace FlashSale.Api.Sales;

// The running sale, cached with the one after it: a sale found stays current until its window ends on the sale
// clock (sales are never changed), and the next sale, when it already existed at the last lookup, takes over at
// its first instant without a lookup. "No sale" is remembered for a second of real time, so a crowd costs
// PostgreSQL one lookup per second at most; a sale opened on another replica is therefore seen here within a
// second, and at once by a replica whose scheduler refreshed this cache when it prepared the sale.
public sealed class CurrentSale(SaleRepository sales) : IDisposable
{
    private static readonly TimeSpan NoSaleMemory = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Entry? _entry;

    public async ValueTask<Sale?> GetAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (TryCached(now, out var cached))
        {
            return cached;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            return TryCached(now, out cached) ? cached : await FetchAsync(now, cancellationToken);
        }
        finally
        {
            _refresh.Release();
        }
    }

    // Looks the sales up again now, so that a sale just created is known before anyone asks for it.
    public async Task RefreshAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            await FetchAsync(now, cancellationToken);
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Forget() => _entry = null;

    // Holds this sale as the one known, as if just looked up (the warm-up's own cache, holding its scratch sale).
    public void Hold(Sale sale) => _entry = new Entry([sale], Stopwatch.GetTimestamp());

    public void Dispose() => _refresh.Dispose();

    private async Task<Sale?> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await sales.FindOpenAndNextAsync(now, cancellationToken);
        var entry = new Entry(found, Stopwatch.GetTimestamp());
        _entry = entry;
        return entry.OpenAt(now);
    }

    private bool TryCached(DateTimeOffset now, out Sale? sale)
    {
        var entry = _entry;
        sale = entry?.OpenAt(now);
        return entry is not null && (sale is not null || Stopwatch.GetElapsedTime(entry.FetchedAt) < NoSaleMemory);
    }

    private sealed record Entry(IReadOnlyList<Sale> Sales, long FetchedAt)
    {
        public Sale? OpenAt(DateTimeOffset now)
        {
            foreach (var sale in Sales)
            {
                if (sale.IsOpenAt(now))
                {
                    return sale;
                }
            }

            return null;
        }
    }
}
