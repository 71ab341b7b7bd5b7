using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.ServiceDefaults.Health;

// Publishes the periodic health-check results as service_health_status{service} (1 = up, 0 = down),
// so that alerts can fire on a failing dependency even when nobody calls /health.
public sealed class HealthStatusMetrics : IHealthCheckPublisher
{
    public const string MeterName = "FlashSale.Health";

    private readonly ConcurrentDictionary<string, int> _status = new();

    public HealthStatusMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            "service_health_status",
            () => _status.Select(s => new Measurement<int>(s.Value, new KeyValuePair<string, object?>("service", s.Key))),
            description: "1 when the service's health check passes, 0 when it fails");
    }

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            _status[name] = entry.Status == HealthStatus.Healthy ? 1 : 0;
        }

        return Task.CompletedTask;
    }
}
