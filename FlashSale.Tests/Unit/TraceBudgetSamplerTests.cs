using System.Diagnostics;
using FlashSale.ServiceDefaults.Tracing;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace FlashSale.Tests.Unit;

public sealed class TraceBudgetSamplerTests
{
    [Fact]
    public void RecordsAtMostTheBudgetEachSecondAndRefillsInTheNext()
    {
        var time = new FakeTimeProvider();
        var sampler = new TraceBudgetSampler(3, time);

        Assert.Equal(3, Sampled(sampler, 10));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, Sampled(sampler, 5));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, Sampled(sampler, 10));
    }

    [Fact]
    public void ConcurrentRootsNeverExceedTheBudget()
    {
        var sampler = new TraceBudgetSampler(50, new FakeTimeProvider());
        var sampled = 0;
        Parallel.For(0, 10_000, _ => Interlocked.Add(ref sampled, Sampled(sampler, 1)));
        Assert.Equal(50, sampled);
    }

    private static int Sampled(Sampler sampler, int roots) => Enumerable.Range(0, roots).Count(_ =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "POST /checkout", ActivityKind.Server)).Decision
            == SamplingDecision.RecordAndSample);
}
