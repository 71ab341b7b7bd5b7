using OpenTelemetry.Trace;

namespace FlashSale.ServiceDefaults.Tracing;

// Records at most `perSecond` new traces each second and drops the rest, so a quiet service traces every
// request while a rush costs a bounded amount of span work and export (in the benchmark's rush, the Aspire
// dashboard receiving every request's spans took more CPU than the replica serving them). Spans with a parent
// follow their parent's decision (ParentBasedSampler around this one), so a trace is whole or absent.
public sealed class TraceBudgetSampler : Sampler
{
    private readonly int _perSecond;
    private readonly TimeProvider _time;
    private long _second;
    private int _used;

    public TraceBudgetSampler(int perSecond, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        _perSecond = perSecond;
        _time = time ?? TimeProvider.System;
        Description = $"TraceBudgetSampler{{{perSecond}/s}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var second = _time.GetTimestamp() / _time.TimestampFrequency;
        var current = Volatile.Read(ref _second);
        if (second != current && Interlocked.CompareExchange(ref _second, second, current) == current)
        {
            Volatile.Write(ref _used, 0);
        }

        return Interlocked.Increment(ref _used) <= _perSecond
            ? new SamplingResult(SamplingDecision.RecordAndSample)
            : new SamplingResult(SamplingDecision.Drop);
    }
}
