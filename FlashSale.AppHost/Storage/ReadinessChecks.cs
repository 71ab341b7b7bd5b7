using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.AppHost.Storage;

// A resource is ready when a probe through its own connection string succeeds; WaitFor honours the check.
public static class ReadinessChecks
{
    public static IResourceBuilder<T> WithReadinessProbe<T>(this IResourceBuilder<T> resource, Func<string, CancellationToken, Task> probe)
        where T : IResourceWithConnectionString
    {
        var key = $"{resource.Resource.Name}-ready";
        resource.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(key, async cancellationToken =>
        {
            try
            {
                var connectionString = await resource.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
                await probe(connectionString!, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        });
        return resource.WithHealthCheck(key);
    }
}
