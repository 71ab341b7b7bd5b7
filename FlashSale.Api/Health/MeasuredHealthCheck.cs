using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Api.Health;

// Runs a dependency's health check (from the AspNetCore.HealthChecks packages, as Aspire's integrations do)
// and records its probe like any other query or command, so health probes are not an unmeasured side door.
// The registration's timeout cancels the token, but those checks do not all honour it (the Redis one waits
// for its PING however long a hung or dead server takes): the check is abandoned when the token is cancelled,
// so the probe answers within its timeout whatever the dependency does.
public sealed class MeasuredHealthCheck(IHealthCheck inner, Action<TimeSpan, bool> record) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        HealthCheckResult result;
        try
        {
            result = await inner.CheckHealthAsync(context, cancellationToken).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus, $"No answer within {context.Registration.Timeout.TotalMilliseconds:0} ms");
        }

        record(Stopwatch.GetElapsedTime(started), result.Status != HealthStatus.Healthy);
        return result;
    }
}
