using System.Diagnostics.Metrics;

namespace FlashSale.ServiceDefaults.Health;

// The runtime's memory limit (the cgroup limit in a container, else the machine's memory), so that
// "memory above 80% of the limit" can be expressed against the working set.
public sealed class RuntimeLimitsMetrics
{
    public const string MeterName = "FlashSale.Runtime";

    public RuntimeLimitsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            "process_memory_limit_bytes",
            () => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            description: "Memory available to the process: the container limit, or the machine's memory");
    }
}
