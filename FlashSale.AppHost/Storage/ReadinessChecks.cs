using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.AppHost.Storage;

// A server is ready when its health-check package (the ones Aspire's own AddPostgres and AddRedis use) answers
// through the resource's connection string; WaitFor honours the check.
public static class ReadinessChecks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static IResourceBuilder<LocalPostgresResource> WithPostgresReadiness(this IResourceBuilder<LocalPostgresResource> server) =>
        server.WithReadiness((checks, connectionString, key) => checks.AddNpgSql(connectionString, name: key, timeout: Timeout));

    public static IResourceBuilder<LocalRedisResource> WithRedisReadiness(this IResourceBuilder<LocalRedisResource> server) =>
        server.WithReadiness((checks, connectionString, key) => checks.AddRedis(connectionString, name: key, timeout: Timeout));

    private static IResourceBuilder<T> WithReadiness<T>(
        this IResourceBuilder<T> resource, Action<IHealthChecksBuilder, Func<IServiceProvider, string>, string> addCheck)
        where T : IResourceWithConnectionString
    {
        // The packages take the connection string synchronously: it is resolved once its endpoint exists.
        string? connectionString = null;
        resource.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource.Resource, async (_, cancellationToken) =>
            connectionString = await resource.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken));

        var key = $"{resource.Resource.Name}-ready";
        addCheck(resource.ApplicationBuilder.Services.AddHealthChecks(),
            _ => connectionString ?? throw new InvalidOperationException($"{resource.Resource.Name} has no connection string yet"), key);
        return resource.WithHealthCheck(key);
    }
}
