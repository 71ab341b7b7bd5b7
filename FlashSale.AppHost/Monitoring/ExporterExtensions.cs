using FlashSale.AppHost.Storage;

namespace FlashSale.AppHost.Monitoring;

// postgres_exporter and redis_exporter: the servers' own metrics (PostgreSQL's connections against max_connections,
// commits, rows written, locks and cache hits; Redis's memory against its limit, clients, rejected connections,
// commands and keys), which the replicas' metrics cannot show. Prometheus scrapes each as a job of its own named
// after its server (PrometheusTargets), as containers or as the programs installed here. Each waits for its server
// and gets the server's address and password in its environment, not on a command line that any process list
// shows (postgres_exporter masks the password in what it logs).
public static class ExporterExtensions
{
    public const string PostgresExporterName = "postgres-exporter";
    public const string RedisExporterName = "redis-exporter";

    public static ServerExporters AddServerExporters(this IDistributedApplicationBuilder builder, StackSettings stack, StorageResources storage)
    {
        var exporters = stack.Substrate == Substrate.Containers
            ? new ServerExporters(
                builder.AddPostgresExporterContainer().WithPostgres(storage),
                builder.AddRedisExporterContainer().WithRedis(storage))
            : new ServerExporters(
                builder.AddLocalPostgresExporter().WithPostgres(storage),
                builder.AddLocalRedisExporter().WithRedis(storage));
        // Their landing page (postgres_exporter) and health page (redis_exporter) answer without asking the server:
        // an exporter is healthy while it serves; whether it reaches its server is its pg_up or redis_up.
        exporters.Postgres.WithHttpHealthCheck("/").WithMetricsUrls("postgres_exporter", "PostgreSQL metrics");
        exporters.Redis.WithHttpHealthCheck("/health").WithMetricsUrls("redis_exporter", "Redis metrics");
        return exporters;
    }

    public static string MetricsOf(string baseUrl) => $"{baseUrl.TrimEnd('/')}/metrics";

    // The flashsale database as the superuser: pg_stat_database, pg_locks and pg_settings cover the whole server
    // whichever database the exporter is connected to. The exporter builds its URL from URI, user and password
    // itself, escaping the password.
    private static IResourceBuilder<T> WithPostgres<T>(this IResourceBuilder<T> exporter, StorageResources storage)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        var server = storage.PostgresServer;
        return exporter
            .WithEnvironment("DATA_SOURCE_URI", ReferenceExpression.Create(
                $"{server.Endpoint.Property(EndpointProperty.HostAndPort)}/{StorageResources.DatabaseName}?sslmode=disable"))
            .WithEnvironment("DATA_SOURCE_USER", StorageResources.PostgresUser)
            .WithPassword("DATA_SOURCE_PASS", server.Password)
            .WaitFor(storage.Database);
    }

    // The machine's memory too (system metrics): the limit Redis's memory meets when it has no maxmemory of its own.
    private static IResourceBuilder<T> WithRedis<T>(this IResourceBuilder<T> exporter, StorageResources storage)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        var server = storage.RedisServer;
        return exporter
            .WithEnvironment("REDIS_ADDR", ReferenceExpression.Create($"redis://{server.Endpoint.Property(EndpointProperty.HostAndPort)}"))
            .WithPassword("REDIS_PASSWORD", server.Password)
            .WithEnvironment("REDIS_EXPORTER_INCL_SYSTEM_METRICS", "true")
            .WaitFor(storage.Redis);
    }

    private static IResourceBuilder<T> WithPassword<T>(this IResourceBuilder<T> exporter, string variable, ParameterResource? password)
        where T : IResourceWithEnvironment =>
        exporter.WithEnvironment(context =>
        {
            if (password is not null)
            {
                context.EnvironmentVariables[variable] = password;
            }
        });

    private static void WithMetricsUrls(this IResourceBuilder<IResourceWithEndpoints> exporter, string program, string metrics) =>
        exporter.WithUrlForEndpoint("http", url => url.DisplayText = program)
            .WithUrls(context => context.Urls.Add(new ResourceUrlAnnotation { Url = MetricsOf(context.Urls[0].Url), DisplayText = metrics }));
}

// The exporters, each under the name of its Prometheus job: its server's resource name.
public sealed record ServerExporters(IResourceBuilder<IResourceWithEndpoints> Postgres, IResourceBuilder<IResourceWithEndpoints> Redis)
{
    public IEnumerable<(string Job, IResourceBuilder<IResourceWithEndpoints> Exporter)> Jobs =>
        [(StorageResources.PostgresName, Postgres), (StorageResources.RedisName, Redis)];
}
