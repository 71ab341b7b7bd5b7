using System.Collections.Concurrent;
using HdrHistogram;

namespace FlashSale.Benchmark.Load;

// What one endpoint answered during the measured phase: latency in microseconds (HdrHistogram, 3 significant
// digits up to a minute), status codes, problem codes and transport errors.
public sealed class EndpointStats(string name)
{
    public const long MaxMicroseconds = 60_000_000;

    private readonly LongConcurrentHistogram _latency = new(1, MaxMicroseconds, 3);
    private readonly ConcurrentDictionary<string, long> _statuses = new();
    private readonly ConcurrentDictionary<string, long> _problems = new();
    private long _count;

    public string Name { get; } = name;

    public long Count => Interlocked.Read(ref _count);

    // status is the HTTP status, or "error" when no answer came (timeout, refused connection).
    public void Record(TimeSpan latency, string status, string? problem)
    {
        _latency.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, MaxMicroseconds));
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (problem is not null)
        {
            _problems.AddOrUpdate(problem, 1, (_, n) => n + 1);
        }

        Interlocked.Increment(ref _count);
    }

    public long Errors => _statuses.Where(s => s.Key is "error" || s.Key.StartsWith('5')).Sum(s => s.Value);

    public EndpointSummary Summarize(TimeSpan elapsed)
    {
        var count = Count;
        double Ms(double percentile) => count == 0 ? 0 : _latency.GetValueAtPercentile(percentile) / 1000.0;
        return new EndpointSummary(
            Name,
            count,
            elapsed.TotalSeconds > 0 ? count / elapsed.TotalSeconds : 0,
            Ms(50), Ms(90), Ms(99), Ms(99.9),
            count == 0 ? 0 : _latency.GetMaxValue() / 1000.0,
            new SortedDictionary<string, long>(_statuses),
            new SortedDictionary<string, long>(_problems));
    }
}

public sealed record EndpointSummary(
    string Endpoint,
    long Requests,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    SortedDictionary<string, long> Statuses,
    SortedDictionary<string, long> Problems);
