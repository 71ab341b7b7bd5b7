using System.Collections.Concurrent;
using HdrHistogram;

namespace FlashSale.Benchmark.Load;

// Everything measured in one run: per-endpoint statistics of the measured phase, its timeline, and the
// counters the audit needs (kept for the whole run). Requests outside the measured phase (opening the sale,
// preparing codes) are counted for the audit but not in the statistics.
public sealed class LoadRecorder(TimeSpan length)
{
    private readonly ConcurrentDictionary<string, EndpointStats> _endpoints = new();
    private readonly Recorder _window = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(EndpointStats.MaxMicroseconds)
        .WithPrecisionOf(3).WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly List<EndpointSummary> _external = [];
    private volatile bool _measuring;
    private long _sold;

    public Timeline Timeline { get; } = new(length);

    public SeenCounters Seen { get; } = new();

    public long Sold => Interlocked.Read(ref _sold);

    public IEnumerable<EndpointStats> Endpoints => _endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal);

    // What another client (wrk) measured, summarized by it.
    public IReadOnlyList<EndpointSummary> External => _external;

    public void AddExternal(EndpointSummary endpoint) => _external.Add(endpoint);

    public void StartMeasuring()
    {
        Timeline.Start();
        _measuring = true;
    }

    public void StopMeasuring() => _measuring = false;

    public void Record(string endpoint, TimeSpan latency, string status, string? problem)
    {
        if (!_measuring)
        {
            return;
        }

        _endpoints.GetOrAdd(endpoint, name => new EndpointStats(name)).Record(latency, status, problem);
        _window.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, EndpointStats.MaxMicroseconds));
        Timeline.Request();
    }

    public void ItemSold() => ItemsSold(1);

    public void ItemsSold(long items)
    {
        Interlocked.Add(ref _sold, items);
        if (_measuring)
        {
            Timeline.Sold(items);
        }
    }

    // The latencies (µs, every endpoint) recorded since the previous call: one sample's window.
    public HistogramBase TakeWindow() => _window.GetIntervalHistogram();

    public long Errors => _endpoints.Values.Sum(e => e.Errors);

    public long Requests => _endpoints.Values.Sum(e => e.Count) + _external.Sum(e => e.Requests);
}
