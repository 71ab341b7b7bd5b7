using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Api.WarmUp;

// Ready (GET /health) only once HotPathWarmUp has run its first pass, so that a replica joins the crowd with its hot
// paths compiled. Finished once its pass after ready has ended too (or was not run).
public sealed class WarmUpHealthCheck : IHealthCheck
{
    public const string Name = "warm-up";

    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _warm;

    public Task Finished => _finished.Task;

    public void MarkWarm() => _warm = true;

    public void MarkFinished() => _finished.TrySetResult();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_warm ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("warming up its hot paths"));
}
