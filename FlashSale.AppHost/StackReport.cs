using FlashSale.AppHost.Api;
using FlashSale.AppHost.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlashSale.AppHost;

// Says once where everything is when the stack is up, and says so when a resource dies afterwards: the dashboard
// shows it as exited, and the console of whoever started the AppHost names it too.
public sealed partial class StackReport(
    ResourceNotificationService notifications,
    DistributedApplicationModel model,
    ApiReplicas api,
    StackSettings stack,
    StackNotes notes,
    AdminKey adminKey,
    PrometheusPages prometheusPages,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    ILogger<StackReport> logger) : BackgroundService
{
    private static readonly string[] Ended = [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart];

    private static readonly (string Name, string Title)[] Monitors =
    [
        (MonitoringExtensions.PrometheusName, "Prometheus"),
        (MonitoringExtensions.GrafanaName, "Grafana"),
        (AlertingExtensions.AlertmanagerName, "Alertmanager"),
        (AlertingExtensions.ReceiverName, "Alert receiver"),
        (ExporterExtensions.PostgresExporterName, "postgres_exporter"),
        (ExporterExtensions.RedisExporterName, "redis_exporter"),
    ];

    // Whoever pressed Ctrl-C learns that it was heard, even while the stack is still starting.
    private readonly CancellationTokenRegistration _stopping = lifetime.ApplicationStopping.Register(() => LogStopping(logger));

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var watching = WatchForDeathsAsync(stoppingToken);
            await ReportWhenReadyAsync(stoppingToken);
            await watching;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReportWhenReadyAsync(CancellationToken cancellationToken)
    {
        if (!model.Resources.Contains(api.Gateway.Resource))
        {
            return; // a test host that kept only some resources
        }

        // Every service of the stack carries a health check; the init step and the dashboard do not.
        var services = model.Resources.Where(resource => resource.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _)).ToList();
        foreach (var resource in services)
        {
            await notifications.WaitForResourceHealthyAsync(resource.Name, cancellationToken);
        }

        var lines = new List<string> { $"FlashSale is ready, every service Running and Healthy ({stack.Substrate.ToString().ToLowerInvariant()}, {stack.Replicas} API replicas, data in {stack.DataDirectory})" };
        if (DashboardLogin() is { } dashboard)
        {
            lines.Add($"  Aspire dashboard  {dashboard}");
        }

        var gateway = api.Gateway.GetEndpoint("http").Url;
        lines.Add($"  API               {gateway}  (reference {gateway}/scalar)");
        lines.AddRange(api.Replicas.Select(replica => $"  replica {replica.Resource.Name,-9} {replica.GetEndpoint("http").Url}"));
        foreach (var (name, title) in Monitors)
        {
            if (model.Resources.OfType<IResourceWithEndpoints>().FirstOrDefault(resource => resource.Name == name) is { } monitor)
            {
                var url = new EndpointReference(monitor, "http").Url;
                var pages = name switch
                {
                    MonitoringExtensions.PrometheusName => $"  (targets {prometheusPages.TargetsOf(url)}, alerts {prometheusPages.AlertsOf(url)})",
                    AlertingExtensions.AlertmanagerName => $"  (alerts {AlertingExtensions.AlertsOf(url)})",
                    AlertingExtensions.ReceiverName => $"  (what fires and what resolved; JSON at {url}/alerts)",
                    ExporterExtensions.PostgresExporterName or ExporterExtensions.RedisExporterName => $"  (metrics {ExporterExtensions.MetricsOf(url)})",
                    _ => "",
                };
                lines.Add($"  {title,-17} {url}{pages}");
            }
        }

        lines.Add($"  admin API key     {adminKey.Value}  (header X-Api-Key on POST /admin/sales; {adminKey.Origin})");
        lines.AddRange(notes.Lines.Select(note => $"  {note}"));
        LogReady(logger, string.Join(Environment.NewLine, lines));
    }

    private async Task WatchForDeathsAsync(CancellationToken cancellationToken)
    {
        var running = new HashSet<string>();
        await foreach (var update in notifications.WatchAsync(cancellationToken))
        {
            var state = update.Snapshot.State?.Text;
            if (state == KnownResourceStates.Running)
            {
                running.Add(update.Resource.Name);
            }
            else if (state is not null && Ended.Contains(state) && running.Remove(update.Resource.Name)
                && update.Snapshot.ExitCode is not 0 && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // A process that ends with a non-zero code (a kill, a crash) died; one stopped on request exits with 0.
                // The orchestrator calls it "Finished" either way: the dashboard shows it as exited in error instead,
                // a state that keeps its Start command (a state of our own, e.g. "Failed", would hide it).
                LogExited(logger, update.Resource.Name, update.Snapshot.ExitCode);
                await notifications.PublishUpdateAsync(update.Resource, snapshot => snapshot with
                {
                    State = new ResourceStateSnapshot(KnownResourceStates.Exited, KnownResourceStateStyles.Error),
                });
            }
        }
    }

    private string? DashboardLogin()
    {
        var url = configuration["ASPNETCORE_URLS"]?.Split(';')[0];
        var token = configuration["AppHost:BrowserToken"];
        return url is null ? null : token is null ? url : $"{url.TrimEnd('/')}/login?t={token}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Report}")]
    private static partial void LogReady(ILogger logger, string report);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping FlashSale: every process of the stack is being stopped.")]
    private static partial void LogStopping(ILogger logger);

    // In the dashboard's words: the state it shows, then the exit code it shows beside it.
    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} Exited (exit code {ExitCode}) unexpectedly: FlashSale is not whole until it runs again. Its console log is in the Aspire dashboard, whose Start command brings it back (or restart the AppHost).")]
    private static partial void LogExited(ILogger logger, string resource, int? exitCode);
}
