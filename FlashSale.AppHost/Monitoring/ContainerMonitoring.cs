using FlashSale.AppHost.Api;

namespace FlashSale.AppHost.Monitoring;

// Pinned images; configuration bind-mounted read-only from the repository. A plain Linux Docker Engine has no
// host.docker.internal: the host gateway is added, so Prometheus reaches the replicas' ports on this machine.
public static class ContainerMonitoring
{
    public static IResourceBuilder<ContainerResource> AddPrometheusContainer(
        this IDistributedApplicationBuilder builder, ApiReplicas api, MonitoringSources sources, DataFolder data)
    {
        var targets = Path.Combine(data.Subfolder("prometheus"), "targets");
        Directory.CreateDirectory(targets);
        return builder.AddContainer(MonitoringExtensions.PrometheusName, "prom/prometheus", "v3.5.0")
            .WithBindMount(sources.PrometheusConfig, "/etc/prometheus/prometheus.yml", isReadOnly: true)
            .WithBindMount(sources.PrometheusRules, "/etc/prometheus/rules", isReadOnly: true)
            .WithBindMount(targets, "/etc/prometheus/targets", isReadOnly: true)
            .WithArgs("--config.file=/etc/prometheus/prometheus.yml")
            .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
            .WithHttpEndpoint(targetPort: 9090, name: "http")
            .OnBeforeResourceStarted((_, _, cancellationToken) =>
                PrometheusTargets.WriteAsync(targets, api, "host.docker.internal", cancellationToken));
    }

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
