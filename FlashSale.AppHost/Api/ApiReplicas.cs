using FlashSale.AppHost.Storage;
using Microsoft.Extensions.Configuration;

namespace FlashSale.AppHost.Api;

public sealed record ApiReplicas(
    IReadOnlyList<IResourceBuilder<ExecutableResource>> Replicas,
    IResourceBuilder<ExecutableResource> Gateway,
    IResourceBuilder<ParameterResource> AdminKey)
{
    public const string GatewayName = "api";

    public static string ReplicaName(int index) => $"api-{index}";
}

// N replicas of FlashSale.Api (api-1, api-2...), each its own process (see DotnetApp) with its own endpoint, behind the gateway
// "api": one stable address (Stack:Port), requests spread round robin. The AppHost's FlashSale section (settings
// and environment FlashSale__*) reaches every replica, checked first (ReplicaSettings).
// The gateway reaches each replica on the replica's own port (LocalPorts), not through the orchestrator's proxy: a
// stopped replica's port refuses connections at once, which the gateway sees and routes around.
// Replicas are resources of their own rather than WithReplicas: each is then a named Prometheus target, a named
// row in the dashboard, and can be stopped and started on its own.
public static class ApiReplicasExtensions
{
    public static ApiReplicas AddApiReplicas(
        this IDistributedApplicationBuilder builder, StorageResources storage, StackSettings stack,
        IReadOnlyDictionary<string, string> settings, AdminKey key)
    {
        var adminKey = builder.AddParameter("admin-api-key", key.Value, secret: true);

        var replicas = Enumerable.Range(1, stack.Replicas).Select(index =>
        {
            var name = ApiReplicas.ReplicaName(index);
            var replica = builder.AddDotnetApp<Projects.FlashSale_Api>(name, LocalPorts.Free($"API replica {name}"), proxied: false, stack.ApiExecutable)
                .WithReference(storage.Database, StorageResources.DatabaseName)
                .WithReference(storage.Redis, StorageResources.RedisName)
                .WaitFor(storage.Database)
                .WaitFor(storage.Redis)
                .WithEnvironment("FlashSale__ReplicaName", name)
                .WithEnvironment("FlashSale__AdminApiKey", adminKey)
                // Two malloc arenas instead of glibc's eight per core: the JIT's native allocations, spread over
                // every thread's arena, kept resident memory climbing for many minutes of a paced soak
                // (docs/reliability.md); managed objects do not use malloc.
                .WithEnvironment("MALLOC_ARENA_MAX", "2")
                // Hot methods reach optimized code after 30 calls instead of waiting for start-up's JIT activity to
                // settle: the first rush after a start is the one the crowd meets (docs/benchmarks-notes.md).
                .WithEnvironment("DOTNET_TC_CallCountingDelayMs", "0")
                .WithHttpHealthCheck("/health");
            foreach (var (key, value) in settings)
            {
                replica.WithEnvironment($"FlashSale__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
            }

            return replica;
        }).ToList();

        var gateway = builder.AddDotnetApp<Projects.FlashSale_Gateway>(ApiReplicas.GatewayName, stack.Port == 0 ? null : stack.Port)
            .WithExternalHttpEndpoints()
            .WithEnvironment("Gateway__Replicas", string.Join(',', replicas.Select(replica => replica.Resource.Name)))
            .WithUrlForEndpoint("http", url => url.DisplayText = "API")
            .WithUrls(context => context.Urls.Add(new ResourceUrlAnnotation { Url = $"{context.Urls[0].Url}/scalar", DisplayText = "API reference" }))
            .WithHttpHealthCheck("/health");
        foreach (var replica in replicas)
        {
            gateway.WithReference(replica.GetEndpoint("http")).WaitFor(replica);
        }

        return new ApiReplicas(replicas, gateway, adminKey);
    }
}
