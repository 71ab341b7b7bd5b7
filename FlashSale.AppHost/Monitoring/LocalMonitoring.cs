using FlashSale.AppHost.Api;
using FlashSale.AppHost.Storage;

namespace FlashSale.AppHost.Monitoring;

public static class LocalMonitoring
{
    public static string? GrafanaServer() => LocalPrograms.Find("grafana-server");

    public static string PrometheusProgram() => LocalPrograms.Required("prometheus", "prometheus");

    // prometheus from the installed package: before each start the repository's configuration and rules are copied
    // into the data folder, beside the targets file written for this run's replicas.
    public static IResourceBuilder<ExecutableResource> AddLocalPrometheus(
        this IDistributedApplicationBuilder builder, ApiReplicas api, MonitoringSources sources, DataFolder data)
    {
        var folder = data.Subfolder("prometheus");
        var config = Path.Combine(folder, "config");
        var prometheus = builder.AddExecutable(MonitoringExtensions.PrometheusName, PrometheusProgram(), folder)
            .WithHttpEndpoint(name: "http")
            .WithArgs($"--config.file={Path.Combine(config, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(folder, "data")}")
            .OnBeforeResourceStarted(async (_, _, cancellationToken) =>
            {
                CopyFresh(sources, config);
                await PrometheusTargets.WriteAsync(Path.Combine(config, "targets"), api, "localhost", cancellationToken);
            });
        var endpoint = prometheus.GetEndpoint("http");
        return prometheus.WithArgs(context => context.Args.Add(
            ReferenceExpression.Create($"--web.listen-address=localhost:{endpoint.Property(EndpointProperty.TargetPort)}")));
    }

    // grafana-server, when installed, with the repository's provisioning and dashboard and its data in the data folder.
    public static void AddLocalGrafana(
        this IDistributedApplicationBuilder builder, string grafanaServer, IResourceBuilder<IResourceWithEndpoints> prometheus, MonitoringSources sources, DataFolder data)
    {
        var folder = data.Subfolder("grafana");
        Directory.CreateDirectory(folder);
        var home = Path.GetDirectoryName(Path.GetDirectoryName(grafanaServer)) is { } installation && File.Exists(Path.Combine(installation, "conf", "defaults.ini"))
            ? installation
            : "/usr/share/grafana";
        builder.AddExecutable(MonitoringExtensions.GrafanaName, grafanaServer, folder, "--homepath", home)
            .WithHttpEndpoint(name: "http", env: "GF_SERVER_HTTP_PORT")
            .WithEnvironment("GF_SERVER_HTTP_ADDR", "localhost")
            .WithEnvironment("GF_PATHS_DATA", folder)
            .WithEnvironment("GF_PATHS_LOGS", Path.Combine(folder, "log"))
            .WithEnvironment("GF_PATHS_PROVISIONING", sources.GrafanaProvisioning)
            .WithGrafanaSettings(prometheus, sources.GrafanaDashboards)
            .WaitFor(prometheus);
    }

    public static IResourceBuilder<T> WithGrafanaSettings<T>(this IResourceBuilder<T> grafana, IResourceBuilder<IResourceWithEndpoints> prometheus, string dashboards)
        where T : IResourceWithEnvironment, IResourceWithEndpoints =>
        grafana
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint("http"))
            .WithEnvironment("GRAFANA_DASHBOARDS_PATH", dashboards)
            .WithEnvironment("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", Path.Combine(dashboards, "flashsale.json"))
            .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", "true")
            .WithEnvironment("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")
            .WithHttpHealthCheck("/api/health")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Grafana");

    private static void CopyFresh(MonitoringSources sources, string config)
    {
        if (Directory.Exists(config))
        {
            Directory.Delete(config, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(config, "rules"));
        File.Copy(sources.PrometheusConfig, Path.Combine(config, "prometheus.yml"));
        foreach (var rules in Directory.EnumerateFiles(sources.PrometheusRules))
        {
            File.Copy(rules, Path.Combine(config, "rules", Path.GetFileName(rules)));
        }
    }
}
