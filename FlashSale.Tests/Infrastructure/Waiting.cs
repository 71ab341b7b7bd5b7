using System.Diagnostics;

namespace FlashSale.Tests.Infrastructure;

// How every test waits for something to become true: one loop, one patience, and a failure that says what it saw last.
// It looks at once, then again after a tenth of the time waited so far (20 ms at least, a second at most): what comes
// quickly is seen quickly, and what takes long (a scrape, an alert) is not asked after many times a second.
public static class Waiting
{
    // The longest anything the tests wait for may take on a busy shared machine (an alert through Prometheus and
    // Alertmanager, a replica warming up); a wait that fails says so after this.
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan ShortestPause = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    // Reads until `missing` finds nothing missing in what was read (null) and returns that reading, or fails with what
    // `missing` said of the last one.
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, string?> missing, TimeSpan? patience = null)
    {
        var limit = patience ?? Patience;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (missing(value) is not { } seen)
            {
                return value;
            }

            if (waited.Elapsed >= limit)
            {
                throw new Xunit.Sdk.XunitException($"Still missing after {limit.TotalSeconds:F0} s: {seen}");
            }

            await Task.Delay(TimeSpan.FromTicks(Math.Clamp(waited.Elapsed.Ticks / 10, ShortestPause.Ticks, LongestPause.Ticks)));
        }
    }

    // Checks until the check says nothing is missing (null), or fails with what it said last.
    public static Task Eventually(Func<Task<string?>> check, TimeSpan? patience = null) => ReadUntilAsync(check, seen => seen, patience);

    public static Task Eventually(Func<string?> check, TimeSpan? patience = null) => Eventually(() => Task.FromResult(check()), patience);
}
