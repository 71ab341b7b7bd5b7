using FlashSale.AppHost.Api;

namespace FlashSale.AppHost.Monitoring;

// Pinned images; configuration bind-mounted read-only from the repository (Alertmanager's: this run's copy of it). A plain Linux Docker Engine has no
// host.docker.internal: the host gateway is added, so Prometheus reaches the replicas' ports on this machine.
public static class ContainerMonitoring
{
    private const string HostGateway = "--add-host=host.docker.internal:host-gateway";
    private const string Host = "host.docker.internal";

    public static IResourceBuilder<ContainerResource> AddPrometheusContainer(
        this IDistributedApplicationBuilder builder, ApiReplicas api, ServerExporters exporters, EndpointReference alertmanager, MonitoringSources sources,
        DataFolder data)
    {
        var targets = Path.Combine(data.Subfolder("prometheus"), "targets");
        var exporterTargets = Path.Combine(data.Subfolder("prometheus"), "exporters");
        var alertmanagers = Path.Combine(data.Subfolder("prometheus"), "alertmanagers");
        Directory.CreateDirectory(targets);
        Directory.CreateDirectory(exporterTargets);
        Directory.CreateDirectory(alertmanagers);
        return builder.AddContainer(MonitoringExtensions.PrometheusName, "prom/prometheus", "v3.5.0")
            .WithBindMount(sources.PrometheusConfig, "/etc/prometheus/prometheus.yml", isReadOnly: true)
            .WithBindMount(sources.PrometheusRules, "/etc/prometheus/rules", isReadOnly: true)
            .WithBindMount(targets, "/etc/prometheus/targets", isReadOnly: true)
            .WithBindMount(exporterTargets, "/etc/prometheus/exporters", isReadOnly: true)
            .WithBindMount(alertmanagers, "/etc/prometheus/alertmanagers", isReadOnly: true)
            .WithArgs("--config.file=/etc/prometheus/prometheus.yml", MonitoringExtensions.ExemplarStorage)
            .WithContainerRuntimeArgs(HostGateway)
            .WithHttpEndpoint(targetPort: 9090, name: "http")
            .OnBeforeResourceStarted(async (_, _, cancellationToken) =>
            {
                await PrometheusTargets.WriteAsync(targets, api, Host, cancellationToken);
                await PrometheusTargets.WriteExportersAsync(exporterTargets, exporters, Host, cancellationToken);
                await PrometheusTargets.WriteAlertmanagerAsync(alertmanagers, alertmanager, Host, cancellationToken);
            });
    }

    // The configuration is this run's copy (the receiver's port is chosen per run), written before each start;
    // silences and the notification log are kept in a volume.
    public static IResourceBuilder<ContainerResource> AddAlertmanagerContainer(
        this IDistributedApplicationBuilder builder, EndpointReference receiver, MonitoringSources sources, DataFolder data)
    {
        var config = Path.Combine(data.Subfolder("alertmanager"), "config");
        Directory.CreateDirectory(config);
        return builder.AddContainer(AlertingExtensions.AlertmanagerName, "prom/alertmanager", "v0.28.1")
            .WithBindMount(config, "/etc/alertmanager/flashsale", isReadOnly: true)
            .WithVolume("flashsale-alertmanager", "/alertmanager")
            .WithArgs("--config.file=/etc/alertmanager/flashsale/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address=")
            .WithContainerRuntimeArgs(HostGateway)
            .WithHttpEndpoint(targetPort: 9093, name: "http")
            .OnBeforeResourceStarted((_, _, cancellationToken) =>
                AlertingExtensions.WriteConfigAsync(sources, config, receiver, Host, null, cancellationToken));
    }

    // The exporters' own ports (9187, 9121) behind the orchestrator's proxy; each reaches its server on the
    // containers' network.
    public static IResourceBuilder<ContainerResource> AddPostgresExporterContainer(this IDistributedApplicationBuilder builder) =>
        builder.AddContainer(ExporterExtensions.PostgresExporterName, "prometheuscommunity/postgres-exporter", "v0.18.1")
            .WithHttpEndpoint(targetPort: 9187, name: "http");

    public static IResourceBuilder<ContainerResource> AddRedisExporterContainer(this IDistributedApplicationBuilder builder) =>
        builder.AddContainer(ExporterExtensions.RedisExporterName, "oliver006/redis_exporter", "v1.80.1")
            .WithHttpEndpoint(targetPort: 9121, name: "http");

    public static void AddGrafanaContainer(
        this IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithEndpoints> prometheus, MonitoringSources sources)
    {
        const string Dashboards = "/var/lib/grafana/dashboards";
        builder.AddContainer(MonitoringExtensions.GrafanaName, "grafana/grafana", "12.1.1")
            .WithBindMount(sources.GrafanaProvisioning, "/etc/grafana/provisioning", isReadOnly: true)
            .WithBindMount(sources.GrafanaDashboards, Dashboards, isReadOnly: true)
            .WithHttpEndpoint(targetPort: 3000, name: "http")
            .WithGrafanaSettings(prometheus, Dashboards)
            .WaitFor(prometheus);
    }
}
