using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlashSale.AppHost.Storage;

public sealed class LocalPostgresResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username={StorageResources.PostgresUser}");
}

public sealed class LocalDatabaseResource(string name, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public LocalPostgresResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={Name}");
}

// PostgreSQL from the installed binaries, its cluster in the data folder: initdb runs once (a run-to-completion
// resource) while the folder holds no cluster, then the server, durable (fsync and synchronous commit on), on
// localhost only, on its own port (LocalPorts); the flashsale database is created once the server answers.
public static class LocalPostgres
{
    public static IResourceBuilder<LocalDatabaseResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, DataFolder data)
    {
        var bin = LocalPrograms.PostgresBin();
        var cluster = data.Subfolder("postgres");
        var (postgres, postgresPrefix) = PostgresOsUser.Command(Path.Combine(bin, "postgres"));
        var server = builder.AddResource(new LocalPostgresResource(StorageResources.PostgresName, postgres, data.Path))
            .WithArgs(postgresPrefix)
            .WithArgs("-D", cluster, "-k", "", "-c", "listen_addresses=localhost", "-c", "max_connections=300")
            .WithEndpoint(name: LocalPostgresResource.EndpointName, scheme: "tcp", port: LocalPorts.Free("PostgreSQL"), env: "PGPORT", isProxied: false)
            .WithPostgresReadiness();

        if (!File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            PostgresOsUser.PrepareFolder(cluster);
            var (initdb, initdbPrefix) = PostgresOsUser.Command(Path.Combine(bin, "initdb"));
            var init = builder.AddExecutable($"{StorageResources.PostgresName}-init", initdb, data.Path, initdbPrefix)
                .WithArgs("-D", cluster, "-U", StorageResources.PostgresUser, "--auth=trust", "--encoding=UTF8", "--no-instructions")
                .WithParentRelationship(server);
            server.WaitForCompletion(init);
        }

        var database = builder.AddResource(new LocalDatabaseResource(StorageResources.DatabaseName, server.Resource))
            .WithParentRelationship(server)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            });

        // Aspire moves the children of containers with their parent, not those of executables: the database is
        // published as running once it exists.
        server.OnResourceReady(async (resource, ready, cancellationToken) =>
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            await EnsureDatabaseAsync(connectionString!, database.Resource.Name, cancellationToken);
            await ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(
                database.Resource, state => state with { State = KnownResourceStates.Running });
        });
        return database;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task EnsureDatabaseAsync(string serverConnectionString, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(serverConnectionString, cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection) { Parameters = { new() { Value = name } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
