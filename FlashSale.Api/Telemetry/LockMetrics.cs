using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlashSale.Api.Telemetry;

public sealed class LockMetrics
{
    public const string MeterName = "FlashSale.Locks";

    // Lock counters start at zero for every lock FlashSale takes, so contention ratios exist from the start.
    private static readonly string[] LockTypes = [Storage.RedisLock.SaleCreation, Storage.RedisLock.RedisRebuild];
    private static readonly string[] FailureReasons = [Storage.RedisLock.Contended, Storage.RedisLock.Unavailable];

    private readonly Counter<long> _attempts;
    private readonly Counter<long> _successes;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _held;

    public LockMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _attempts = meter.CreateCounter<long>("redis_lock_attempts_total", description: "Total number of distributed lock attempts");
        _successes = meter.CreateCounter<long>("redis_lock_success_total", description: "Distributed lock attempts that acquired the lock");
        _failures = meter.CreateCounter<long>("redis_lock_failure_total", description: "Distributed lock attempts that did not acquire the lock");
        _held = meter.SecondsHistogram("redis_lock_duration_seconds", "Duration of lock hold time in seconds", Instruments.LockBuckets);
        foreach (var lockType in LockTypes)
        {
            _attempts.Add(0, new TagList { { "lock_type", lockType } });
            _successes.Add(0, new TagList { { "lock_type", lockType } });
            foreach (var reason in FailureReasons)
            {
                _failures.Add(0, new TagList { { "lock_type", lockType }, { "reason", reason } });
            }
        }
    }

    public void Attempted(string lockType) => _attempts.Add(1, new TagList { { "lock_type", lockType } });

    public void Acquired(string lockType) => _successes.Add(1, new TagList { { "lock_type", lockType } });

    public void Failed(string lockType, string reason) =>
        _failures.Add(1, new TagList { { "lock_type", lockType }, { "reason", reason } });

    public void Released(string lockType, TimeSpan held) =>
        _held.Record(held.TotalSeconds, new TagList { { "lock_type", lockType } });
}
