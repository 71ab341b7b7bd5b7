namespace FlashSale.Benchmark.Load;

// One API replica the load is aimed at: its client and the connections the tool may open to it. The latency
// recorded is the time from taking a connection slot to the end of the answer, so waiting for a free
// connection on the tool's side never counts as the server's latency.
public sealed class LoadTarget(string name, HttpClient client, int connections) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(connections, connections);

    public string Name { get; } = name;

    public HttpClient Client { get; } = client;

    public async Task<IDisposable> TakeSlotAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    // Real sockets to each URL, `connections` split evenly between them.
    public static IReadOnlyList<LoadTarget> ForUrls(IReadOnlyList<Uri> urls, int connections)
    {
        var perTarget = Math.Max(1, connections / urls.Count);
        return urls.Select(url => new LoadTarget(url.ToString(), new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = perTarget,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(30),
        }, perTarget)).ToList();
    }

    public void Dispose()
    {
        Client.Dispose();
        _slots.Dispose();
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
