namespace FlashSale.Benchmark.Load;

// Requests answered and items sold in each second of the measured phase, for the live view and the charts.
public sealed class Timeline(TimeSpan length)
{
    private readonly long[] _requests = new long[(int)Math.Ceiling(length.TotalSeconds) + 2];
    private readonly long[] _sold = new long[(int)Math.Ceiling(length.TotalSeconds) + 2];
    private long _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

    public void Start() => _startTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();

    public TimeSpan Elapsed => System.Diagnostics.Stopwatch.GetElapsedTime(_startTimestamp);

    public void Request() => Answered(1);

    public void Answered(long requests) => Interlocked.Add(ref _requests[Second()], requests);

    public void Sold(long items = 1) => Interlocked.Add(ref _sold[Second()], items);

    public long RequestsInSecond(int second) => second >= 0 && second < _requests.Length ? Interlocked.Read(ref _requests[second]) : 0;

    public IReadOnlyList<TimelineSecond> Seconds(TimeSpan elapsed)
    {
        var seconds = Math.Min(_requests.Length, (int)Math.Ceiling(elapsed.TotalSeconds));
        var result = new List<TimelineSecond>(seconds);
        long sold = 0;
        for (var second = 0; second < seconds; second++)
        {
            sold += _sold[second];
            result.Add(new TimelineSecond(second + 1, _requests[second], sold));
        }

        return result;
    }

    private int Second() => Math.Min(_requests.Length - 1, (int)Elapsed.TotalSeconds);
}

// Requests answered during second N (from N-1 to N), and items sold by its end.
public sealed record TimelineSecond(int Second, long Requests, long SoldSoFar);
