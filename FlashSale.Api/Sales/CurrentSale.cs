using System.Diagnostics;

namespace FlashSale.Api.Sales;

// The running sale, cached: a sale found stays current until its window ends on the sale clock (sales are
// never changed), and "no sale" is remembered for a second of real time, so a crowd costs PostgreSQL one
// lookup per second at most. A sale opened on another replica is therefore seen here within a second.
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
            if (TryCached(now, out cached))
            {
                return cached;
            }

            var sale = await sales.FindOpenAtAsync(now, cancellationToken);
            _entry = new Entry(sale, Stopwatch.GetTimestamp());
            return sale;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Forget() => _entry = null;

    public void Dispose() => _refresh.Dispose();

    private bool TryCached(DateTimeOffset now, out Sale? sale)
    {
        var entry = _entry;
        sale = entry?.Sale;
        return entry switch
        {
            null => false,
            { Sale: null } => Stopwatch.GetElapsedTime(entry.FetchedAt) < NoSaleMemory,
            _ => entry.Sale.IsOpenAt(now),
        };
    }

    private sealed record Entry(Sale? Sale, long FetchedAt);
}
