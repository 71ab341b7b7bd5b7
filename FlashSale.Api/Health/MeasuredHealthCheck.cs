using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Api.Health;

// Runs a dependency's health check (from the AspNetCore.HealthChecks packages, as Aspire's integrations do)
// and records its probe like any other query or command, so health probes are not an unmeasured side door.
public sealed class MeasuredHealthCheck(IHealthCheck inner, Action<TimeSpan, bool> record) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await inner.CheckHealthAsync(context, cancellationToken);
        record(Stopwatch.GetElapsedTime(started), result.Status != HealthStatus.Healthy);
        return result;
    }
}
