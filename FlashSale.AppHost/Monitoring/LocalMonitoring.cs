using FlashSale.AppHost.Api;
using FlashSale.AppHost.Storage;

namespace FlashSale.AppHost.Monitoring;

public static class LocalMonitoring
{
    public static string? GrafanaServer() => LocalPrograms.Find("grafana-server");

    public static string PrometheusProgram() => LocalPrograms.Required("prometheus", "prometheus");

    // Debian names these programs after their packages (prometheus-alertmanager, prometheus-*-exporter); the
    // projects' own releases call them alertmanager and *_exporter.
    public static string AlertmanagerProgram() => DebianOrRelease("prometheus-alertmanager", "alertmanager");

    public static string PostgresExporterProgram() => DebianOrRelease("prometheus-postgres-exporter", "postgres_exporter");

    public static string RedisExporterProgram() => DebianOrRelease("prometheus-redis-exporter", "redis_exporter");

    private static string DebianOrRelease(string package, string release) =>
        LocalPrograms.Find(package) ?? LocalPrograms.Required(release, package);

    // prometheus from the installed package: before each start the repository's configuration and rules are copied
    // into the data folder, beside the targets files written for this run's replicas, exporters and Alertmanager.
    public static IResourceBuilder<ExecutableResource> AddLocalPrometheus(
        this IDistributedApplicationBuilder builder, ApiReplicas api, ServerExporters exporters, EndpointReference alertmanager, MonitoringSources sources,
        DataFolder data, string? testAlertDelay)
    {
        var folder = data.Subfolder("prometheus");
        var config = Path.Combine(folder, "config");
        var prometheus = builder.AddExecutable(MonitoringExtensions.PrometheusName, PrometheusProgram(), folder)
            .WithHttpEndpoint(name: "http")
            .WithArgs($"--config.file={Path.Combine(config, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                MonitoringExtensions.ExemplarStorage)
            .OnBeforeResourceStarted(async (_, _, cancellationToken) =>
            {
                CopyFresh(sources, config, testAlertDelay);
                await PrometheusTargets.WriteAsync(Path.Combine(config, "targets"), api, "localhost", cancellationToken);
                await PrometheusTargets.WriteExportersAsync(Path.Combine(config, "exporters"), exporters, "localhost", cancellationToken);
                await PrometheusTargets.WriteAlertmanagerAsync(Path.Combine(config, "alertmanagers"), alertmanager, "localhost", cancellationToken);
            });
        return prometheus.WithListenAddress();
    }

    // prometheus-alertmanager from the installed package, on its own (no cluster port), its configuration written into
    // the data folder before each start with this run's receiver, its silences and notification log kept there.
    public static IResourceBuilder<ExecutableResource> AddLocalAlertmanager(
        this IDistributedApplicationBuilder builder, EndpointReference receiver, MonitoringSources sources, DataFolder data, string? testAlertDelay)
    {
        var folder = data.Subfolder("alertmanager");
        var config = Path.Combine(folder, "config");
        return builder.AddExecutable(AlertingExtensions.AlertmanagerName, AlertmanagerProgram(), folder)
            .WithHttpEndpoint(name: "http")
            .WithArgs($"--config.file={Path.Combine(config, "alertmanager.yml")}", $"--storage.path={Path.Combine(folder, "data")}", "--cluster.listen-address=")
            .OnBeforeResourceStarted((_, _, cancellationToken) =>
                AlertingExtensions.WriteConfigAsync(sources, config, receiver, "localhost", testAlertDelay, cancellationToken))
            .WithListenAddress();
    }

    // The exporters from the installed packages, each on a port of its own for this run: Debian's packages also
    // install services of the same programs on their default ports (9187, 9121), which these neither use nor need.
    public static IResourceBuilder<ExecutableResource> AddLocalPostgresExporter(this IDistributedApplicationBuilder builder) =>
        builder.AddExecutable(ExporterExtensions.PostgresExporterName, PostgresExporterProgram(), builder.AppHostDirectory)
            .WithHttpEndpoint(name: "http")
            .WithListenAddress();

    public static IResourceBuilder<ExecutableResource> AddLocalRedisExporter(this IDistributedApplicationBuilder builder) =>
        builder.AddExecutable(ExporterExtensions.RedisExporterName, RedisExporterProgram(), builder.AppHostDirectory)
            .WithHttpEndpoint(name: "http")
            .WithListenAddress();

    // Prometheus, Alertmanager and the exporters listen on localhost only, at the port the orchestrator's proxy forwards to.
    private static IResourceBuilder<ExecutableResource> WithListenAddress(this IResourceBuilder<ExecutableResource> server)
    {
        var endpoint = server.GetEndpoint("http");
        return server.WithArgs(context => context.Args.Add(
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
            // An exemplar's trace id links to the trace in the Aspire dashboard (the datasource's provisioning).
            .WithEnvironment("ASPIRE_DASHBOARD_URL", grafana.ApplicationBuilder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] ?? "")
            .WithHttpHealthCheck("/api/health")
            .WithUrlForEndpoint("http", url => url.DisplayText = "Grafana");

    private static void CopyFresh(MonitoringSources sources, string config, string? testAlertDelay)
    {
        if (Directory.Exists(config))
        {
            Directory.Delete(config, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(config, "rules"));
        File.Copy(sources.PrometheusConfig, Path.Combine(config, "prometheus.yml"));
        foreach (var rules in Directory.EnumerateFiles(sources.PrometheusRules))
        {
            File.WriteAllText(Path.Combine(config, "rules", Path.GetFileName(rules)), TestAlertDelay.OfRules(File.ReadAllText(rules), testAlertDelay));
        }
    }
}
