using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace FlashSale.Gateway;

// FlashSale's stable address: every request goes round robin to an API replica that answers /alive. The replicas
// are named in Gateway:Replicas (e.g. "api-1,api-2") and found through service discovery, which the AppHost feeds.
// The original Host header is kept, so the API's OpenAPI document names this address, not a replica's.
// A replica that stops answering /alive (a replica stopping answers 503 there before it closes) or fails a request at
// the transport level leaves the rotation within seconds; a request that never reached it goes to another replica.
public static class ReplicaProxy
{
    private const string ClusterId = "replicas";

    public static readonly TimeSpan ReactivationPeriod = TimeSpan.FromSeconds(5);

    // Longer than FlashSale.Api's own bound on a database command (10 s, after which it answers 503), so that a slow
    // database gets the replica's answer to the shopper, not the gateway's 504; a replica that hangs is cut off here.
    private static readonly TimeSpan ActivityTimeout = TimeSpan.FromSeconds(12);

    public static WebApplicationBuilder AddReplicaProxy(this WebApplicationBuilder builder)
    {
        var replicas = builder.Configuration["Gateway:Replicas"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (replicas.Length == 0)
        {
            throw new InvalidOperationException("Gateway:Replicas is not set: name the API replicas to serve, e.g. Gateway__Replicas=api-1,api-2.");
        }

        // Requests the replicas refuse for their size (414, 431) must reach them, to be answered as problem+json:
        // the gateway's Kestrel lets through as much as the replicas' Kestrel does (FlashSale.Api's RequestLimits).
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Limits.MaxRequestLineSize = 1024 * 1024;
            options.Limits.MaxRequestHeadersTotalSize = 1024 * 1024;
            options.Limits.MaxRequestHeaderCount = 1000;
        });
        builder.Services.AddServiceDiscovery();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, ReplicaHttpClientFactory>();
        builder.Services.AddSingleton<IPassiveHealthCheckPolicy, TransportFailurePolicy>();
        builder.Services.AddReverseProxy()
            .LoadFromMemory([.. ApiRoutes.Select(Route), Route(CatchAll)], [Cluster(replicas)])
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    // The API's route templates, each a route of its own here so that the gateway's span and metrics carry the
    // template (a trace named "POST /checkout", not "POST {**path}"); any other path goes through the catch-all.
    private static readonly string[] ApiRoutes =
        ["/checkout", "/purchase", "/sales", "/sales/current", "/sales/{id}", "/sales/{id}/items", "/users/{user_id}/purchases", "/admin/sales"];

    private const string CatchAll = "{**path}";

    private static RouteConfig Route(string path) =>
        new RouteConfig { RouteId = path, ClusterId = ClusterId, Match = new RouteMatch { Path = path } }
            .WithTransformUseOriginalHostHeader();

    private static ClusterConfig Cluster(IEnumerable<string> replicas) => new()
    {
        ClusterId = ClusterId,
        LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = ActivityTimeout },
        HealthCheck = new HealthCheckConfig
        {
            // Two failed probes a second apart (YARP's default threshold) take a replica out: sooner than FlashSale.Api's
            // drain delay at stop, during which its /alive answers 503 while it still serves.
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromSeconds(1),
                Timeout = TimeSpan.FromSeconds(1),
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/alive",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = TransportFailurePolicy.PolicyName,
                ReactivationPeriod = ReactivationPeriod,
            },
        },
        Destinations = replicas.ToDictionary(replica => replica, replica => new DestinationConfig { Address = $"http://{replica}" }),
    };
}
