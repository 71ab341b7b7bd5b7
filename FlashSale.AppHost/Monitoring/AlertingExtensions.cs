using FlashSale.AppHost.Api;

namespace FlashSale.AppHost.Monitoring;

// Alertmanager (the repository's alertmanager/alertmanager.yml) and the alert-receiver it notifies: a small app of
// this solution whose console log and page show what fires and what resolved, as containers or local programs.
public static class AlertingExtensions
{
    public const string AlertmanagerName = "alertmanager";
    public const string ReceiverName = "alert-receiver";

    // Where the alert-receiver's address goes in alertmanager.yml: its port is chosen per run.
    public const string ReceiverPlaceholder = "http://alert-receiver/";

    public static IResourceBuilder<IResourceWithEndpoints> AddAlerting(
        this IDistributedApplicationBuilder builder, StackSettings stack, MonitoringSources sources, DataFolder data)
    {
        var receiver = builder.AddDotnetApp<Projects.FlashSale_AlertReceiver>(ReceiverName)
            .WithHttpHealthCheck("/health")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Alerts received")
            .WithUrls(context => context.Urls.Add(new ResourceUrlAnnotation { Url = $"{context.Urls[0].Url}/alerts", DisplayText = "Alerts received (JSON)" }));
        IResourceBuilder<IResourceWithEndpoints> alertmanager = stack.Substrate == Substrate.Containers
            ? builder.AddAlertmanagerContainer(receiver.GetEndpoint("http"), sources, data)
            : builder.AddLocalAlertmanager(receiver.GetEndpoint("http"), sources, data, stack.TestAlertDelay);
        return alertmanager.WithHttpHealthCheck("/-/ready")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Alertmanager")
            .WithUrls(context => context.Urls.Add(new ResourceUrlAnnotation { Url = AlertsOf(context.Urls[0].Url), DisplayText = "Alertmanager alerts (API)" }));
    }

    // Alertmanager's alerts as JSON: Debian's build ships without the web interface, its API answers everywhere.
    public static string AlertsOf(string baseUrl) => $"{baseUrl.TrimEnd('/')}/api/v2/alerts";

    // This run's alertmanager.yml: the repository's, with the receiver's address (host: how Alertmanager reaches
    // this machine), and with the test-only delays when they are set.
    public static async Task WriteConfigAsync(
        MonitoringSources sources, string folder, EndpointReference receiver, string host, string? testAlertDelay, CancellationToken cancellationToken)
    {
        var port = await receiver.Property(EndpointProperty.Port).GetValueAsync(cancellationToken);
        var text = (await File.ReadAllTextAsync(sources.AlertmanagerConfig, cancellationToken))
            .Replace(ReceiverPlaceholder, $"http://{host}:{port}/", StringComparison.Ordinal);
        await ConfigFiles.WriteAsync(Path.Combine(folder, "alertmanager.yml"), TestAlertDelay.OfAlertmanager(text, testAlertDelay), cancellationToken);
    }
}
