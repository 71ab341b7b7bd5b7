using System.Diagnostics;

namespace FlashSale.Api.Sales;

// A sale's sold and held counts. Those of the running sale are counted once a second at most, whoever asks (the
// sale's page, the stock gauges), and shared by concurrent callers: a crowd of browsers refreshing the sale costs
// PostgreSQL one count per second per replica, and the figures are exact within that second. Other sales are
// counted when asked.
public sealed class SaleFigures(SaleRepository sales, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Entry? _entry;

    public async ValueTask<(int Sold, int Held)> GetAsync(Sale sale, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!sale.IsOpenAt(now))
        {
            return await sales.CountSoldAndHeldAsync(sale.Id, now, cancellationToken);
        }

        if (TryFresh(sale, now, out var figures))
        {
            return figures;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (TryFresh(sale, now, out figures))
            {
                return figures;
            }

            // Counted at the current time, not the caller's: a caller that waited here must not get figures older
            // than its request.
            var countedAt = time.GetUtcNow();
            figures = await sales.CountSoldAndHeldAsync(sale.Id, countedAt, cancellationToken);
            _entry = new Entry(sale.Id, figures, countedAt, Stopwatch.GetTimestamp());
            return figures;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    // Fresh: the same sale, counted less than MaxAge before `now` on the sale clock (which tests may move) and in real time.
    private bool TryFresh(Sale sale, DateTimeOffset now, out (int Sold, int Held) figures)
    {
        var entry = _entry;
        figures = entry?.Figures ?? default;
        return entry is not null
            && entry.SaleId == sale.Id
            && now - entry.CountedAt < MaxAge
            && Stopwatch.GetElapsedTime(entry.CountedAtTimestamp) < MaxAge;
    }

    private sealed record Entry(long SaleId, (int Sold, int Held) Figures, DateTimeOffset CountedAt, long CountedAtTimestamp);
}
