using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Api.WarmUp;

// Ready (GET /health) only once HotPathWarmUp has run, so that a replica joins the crowd with its hot paths compiled.
public sealed class WarmUpHealthCheck : IHealthCheck
{
    public const string Name = "warm-up";

    private volatile bool _warm;

    public void MarkWarm() => _warm = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_warm ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("warming up its hot paths"));
}
