namespace FlashSale.Benchmark.Load;

// What the shoppers believe is still for sale: every item at first, then less as answers say an item is sold
// or held, and refreshed from the sale's list of available items when they run out of candidates. The first
// fifth of the items is hot: it draws `hotShare` of the picks while any of it is left.
public sealed class StockView
{
    private const double HotShare = 0.8;

    private readonly Lock _lock = new();
    private readonly int _total;
    private readonly int _hot;
    private readonly List<int> _hotItems = [];
    private readonly List<int> _coldItems = [];
    private readonly int[] _position;
    private int _refreshing;
    private long _lastRefresh;

    public StockView(int total)
    {
        _total = total;
        _hot = Math.Max(1, total / 5);
        _position = new int[total];
        Reset(Enumerable.Range(0, total));
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _hotItems.Count + _coldItems.Count;
            }
        }
    }

    // An item index believed free, or -1 when none is.
    public int Pick(Random random)
    {
        lock (_lock)
        {
            var list = _hotItems.Count > 0 && (_coldItems.Count == 0 || random.NextDouble() < HotShare) ? _hotItems : _coldItems;
            return list.Count == 0 ? -1 : list[random.Next(list.Count)];
        }
    }

    public void Remove(int item)
    {
        lock (_lock)
        {
            var position = _position[item];
            if (position < 0)
            {
                return;
            }

            var list = item < _hot ? _hotItems : _coldItems;
            var last = list[^1];
            list[position] = last;
            _position[last] = position;
            list.RemoveAt(list.Count - 1);
            _position[item] = -1;
        }
    }

    // Reloads the view from the sale's available items, at most one reload at a time and one per interval.
    public async Task RefreshAsync(Func<CancellationToken, Task<IReadOnlyList<int>?>> loadAvailable, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            if (Environment.TickCount64 - Interlocked.Read(ref _lastRefresh) < interval.TotalMilliseconds)
            {
                return;
            }

            if (await loadAvailable(cancellationToken) is { } available)
            {
                Reset(available);
            }

            Interlocked.Exchange(ref _lastRefresh, Environment.TickCount64);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private void Reset(IEnumerable<int> available)
    {
        lock (_lock)
        {
            _hotItems.Clear();
            _coldItems.Clear();
            Array.Fill(_position, -1);
            foreach (var item in available.Where(i => i >= 0 && i < _total))
            {
                var list = item < _hot ? _hotItems : _coldItems;
                _position[item] = list.Count;
                list.Add(item);
            }
        }
    }
}
