using System.Globalization;

namespace FlashSale.Benchmark.Load;

// CPU time of the API processes, of PostgreSQL (the postmaster, its live backends and the backends it has
// reaped), of Redis and of this load tool itself (with the programs it ran and waited for, such as wrk) over the measured phase, from Linux's /proc in clock ticks of 10 ms, and the resident memory of the
// largest API process, sampled every 100 ms.
public sealed class ProcessWatch(IReadOnlyList<int> apiPids, int? postgresPid, int? redisPid) : IAsyncDisposable
{
    private const double TicksPerSecond = 100;

    private readonly CancellationTokenSource _stop = new();
    private long _apiTicksBefore;
    private long _postgresTicksBefore;
    private long _redisTicksBefore;
    private long _clientTicksBefore;
    private long _peakRssBytes;
    private Task _sampling = Task.CompletedTask;

    public bool Enabled => OperatingSystem.IsLinux() && (apiPids.Count > 0 || postgresPid is not null);

    public void Start()
    {
        if (!Enabled)
        {
            return;
        }

        _apiTicksBefore = apiPids.Sum(OwnTicks);
        _postgresTicksBefore = postgresPid is { } pid ? PostgresTicks(pid) : 0;
        _redisTicksBefore = redisPid is { } redis ? OwnTicks(redis) : 0;
        _clientTicksBefore = Ticks(Environment.ProcessId, children: true);
        _sampling = SampleAsync(_stop.Token);
    }

    public async Task<ResourceUse?> StopAsync(long requests)
    {
        if (!Enabled)
        {
            return null;
        }

        var apiSeconds = (apiPids.Sum(OwnTicks) - _apiTicksBefore) / TicksPerSecond;
        var postgresSeconds = postgresPid is { } pid ? (PostgresTicks(pid) - _postgresTicksBefore) / TicksPerSecond : 0;
        var redisSeconds = redisPid is { } redis ? (OwnTicks(redis) - _redisTicksBefore) / TicksPerSecond : 0;
        var clientSeconds = (Ticks(Environment.ProcessId, children: true) - _clientTicksBefore) / TicksPerSecond;
        await _stop.CancelAsync();
        await _sampling;
        double PerRequestUs(double seconds) => requests == 0 ? 0 : seconds / requests * 1e6;
        return new ResourceUse(apiSeconds, postgresSeconds, PerRequestUs(apiSeconds), PerRequestUs(postgresSeconds),
            Interlocked.Read(ref _peakRssBytes) / 1024.0 / 1024.0)
        {
            RedisCpuUsPerRequest = redisPid is null ? null : PerRequestUs(redisSeconds),
            ClientCpuUsPerRequest = PerRequestUs(clientSeconds),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            var rss = apiPids.Count == 0 ? 0 : apiPids.Max(ResidentBytes);
            if (rss > Interlocked.Read(ref _peakRssBytes))
            {
                Interlocked.Exchange(ref _peakRssBytes, rss);
            }
        }
        while (await Wait(timer, cancellationToken));
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // utime + stime (fields 14, 15), and with children = true also cutime + cstime (16, 17).
    private static long Ticks(int pid, bool children)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return 0;
        }

        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return Field(14) + Field(15) + (children ? Field(16) + Field(17) : 0);
    }

    private static long OwnTicks(int pid) => Ticks(pid, children: false);

    private static long PostgresTicks(int postmaster)
    {
        var total = Ticks(postmaster, children: true);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && StatFields(pid) is { } fields && fields[1] == postmaster.ToString(CultureInfo.InvariantCulture))
            {
                total += Ticks(pid, children: false);
            }
        }

        return total;
    }

    // The fields after the command name (which may hold spaces): fields[0] is field 3 (state), fields[1] the parent.
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static long ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

public sealed record ResourceUse(double ApiCpuSeconds, double PostgresCpuSeconds, double ApiCpuUsPerRequest, double PostgresCpuUsPerRequest, double ApiPeakRssMb)
{
    // Absent from reports written before these were measured.
    public double? RedisCpuUsPerRequest { get; init; }

    public double? ClientCpuUsPerRequest { get; init; }
}
