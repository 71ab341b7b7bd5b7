using System.Net;
using System.Net.Sockets;
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
// The gateway reaches each replica on the replica's own port, not through the orchestrator's proxy: the proxy accepts
// connections for a stopped replica and never answers them, where the replica's own port refuses them at once, which
// the gateway sees and routes around. The port is chosen once per start, so a replica started again keeps it.
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
            var replica = builder.AddDotnetApp<Projects.FlashSale_Api>(name, FreeLocalPort(), proxied: false)
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

    private static readonly HashSet<int> Taken = [];

    // A free port below the ephemeral range (32768 and up on Linux, 49152 and up elsewhere), from which the kernel picks
    // ports for outgoing connections and for listeners on port 0: the replica binds its port only once its storage is
    // ready, and again at each restart, and the port must still be free then. Taken keeps two AppHosts of one process
    // (the tests) apart.
    private static int FreeLocalPort()
    {
        lock (Taken)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var port = Random.Shared.Next(20_000, 32_768);
                if (Taken.Contains(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    Taken.Add(port);
                    return port;
                }
                catch (SocketException)
                {
                }
            }
        }

        throw new StackException("No free local port between 20000 and 32767 for an API replica.");
    }
}
