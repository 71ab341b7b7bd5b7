using System.Diagnostics.Metrics;

namespace FlashSale.Api.Telemetry;

// Histogram factories with the bucket boundaries of the monitoring design (seconds).
internal static class Instruments
{
    public static readonly double[] DatabaseBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    public static readonly double[] RedisBuckets = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
    public static readonly double[] LockBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    public static Histogram<double> SecondsHistogram(this Meter meter, string name, string description, double[] buckets) =>
        meter.CreateHistogram(name, unit: null, description, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}
