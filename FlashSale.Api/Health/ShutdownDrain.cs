using FlashSale.Api.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FlashSale.Api.Health;

// Asked to stop (SIGTERM, SIGINT, the orchestrator's Stop), a replica first turns GET /alive to 503, which the gateway
// probes, and keeps serving for DrainDelay while the gateway takes it out of rotation. Only then is the server
// stopped: it takes no new connection and finishes the requests it took (within HostOptions.ShutdownTimeout). This
// runs before every other service stops, since the host calls StoppingAsync before any StopAsync.
public sealed partial class ShutdownDrain(IOptions<FlashSaleOptions> options, TimeProvider time, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService, IHealthCheck
{
    public const string Name = "accepting";

    private volatile bool _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var delay = options.Value.DrainDelay;
        LogDraining(logger, delay.TotalSeconds);
        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("stopping: leaving the rotation before it closes") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: /alive answers 503 and requests are served for {Seconds} s more before the server closes")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
