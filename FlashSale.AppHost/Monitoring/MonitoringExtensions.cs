using Microsoft.Extensions.DependencyInjection;
using FlashSale.AppHost.Api;
using FlashSale.AppHost.Storage;

namespace FlashSale.AppHost.Monitoring;

// Prometheus (the repository's prometheus.yml and rules, one target per replica and one per server's exporter
// (ExporterExtensions), alerts sent to Alertmanager), Alertmanager with its receiver (AlertingExtensions) and
// Grafana (the repository's provisioning and dashboard, anonymous viewers), as containers or as the programs
// installed here.
public static class MonitoringExtensions
{
    public const string PrometheusName = "prometheus";
    public const string GrafanaName = "grafana";

    // Prometheus keeps the trace-id exemplars the replicas' histograms carry (it then scrapes in OpenMetrics, the
    // format that has them), so a latency panel leads to a trace.
    public const string ExemplarStorage = "--enable-feature=exemplar-storage";

    public static void AddMonitoring(
        this IDistributedApplicationBuilder builder, ApiReplicas api, StorageResources storage, StackSettings stack, DataFolder data, StackNotes notes)
    {
        var repository = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var monitoring = new MonitoringSources(
            Path.Combine(repository, "prometheus"), Path.Combine(repository, "grafana"), Path.Combine(repository, "alertmanager"));
        MonitoringConfigCheck.Run(monitoring);
        var alertmanager = builder.AddAlerting(stack, monitoring, data).GetEndpoint("http");
        var exporters = builder.AddServerExporters(stack, storage);
        IResourceBuilder<IResourceWithEndpoints> prometheus = stack.Substrate == Substrate.Containers
            ? builder.AddPrometheusContainer(api, exporters, alertmanager, monitoring, data)
            : builder.AddLocalPrometheus(api, exporters, alertmanager, monitoring, data, stack.TestAlertDelay);
        var pages = stack.Substrate == Substrate.Containers ? PrometheusPages.Current : PrometheusPages.Of(LocalMonitoring.PrometheusProgram());
        builder.Services.AddSingleton(pages);
        prometheus.WithHttpHealthCheck("/-/ready")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Prometheus")
            .WithUrls(context =>
            {
                var url = context.Urls[0].Url;
                context.Urls.Add(new ResourceUrlAnnotation { Url = pages.TargetsOf(url), DisplayText = "Prometheus targets" });
                context.Urls.Add(new ResourceUrlAnnotation { Url = pages.AlertsOf(url), DisplayText = "Prometheus alerts" });
            });

        if (stack.Substrate == Substrate.Containers)
        {
            builder.AddGrafanaContainer(prometheus, monitoring);
        }
        else if (LocalMonitoring.GrafanaServer() is { } grafanaServer)
        {
            builder.AddLocalGrafana(grafanaServer, prometheus, monitoring, data);
        }
        else
        {
            notes.Add("Grafana is not started: grafana-server is not installed (Debian does not package it; "
                + "install it from Grafana's APT repository). Everything else runs.");
        }
    }
}

public sealed record MonitoringSources(string Prometheus, string Grafana, string Alertmanager)
{
    public string AlertmanagerConfig => Path.Combine(Alertmanager, "alertmanager.yml");

    public string PrometheusConfig => Path.Combine(Prometheus, "prometheus.yml");

    public string PrometheusRules => Path.Combine(Prometheus, "rules");

    public string GrafanaProvisioning => Path.Combine(Grafana, "config", "provisioning");

    public string GrafanaDashboards => Path.Combine(Grafana, "dashboards");
}
