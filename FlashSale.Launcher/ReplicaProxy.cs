using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace FlashSale.Launcher;

/// <summary>
/// YARP in this process on 127.0.0.1: every request goes round robin to a replica that answers /alive. The original
/// Host header is kept, so the API's OpenAPI document names the proxy's address, not a replica's.
/// </summary>
internal sealed class ReplicaProxy : IAsyncDisposable
{
    private const string ClusterId = "api";

    private readonly WebApplication _app;

    private ReplicaProxy(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri Url { get; }

    public static async Task<ReplicaProxy> StartAsync(int port, IEnumerable<ApiReplica> replicas, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning);

        // The launcher stops the proxy itself, first, when it is told to stop; the host must not react to signals.
        builder.Services.AddSingleton<IHostLifetime, LauncherOwnsLifetime>();
        builder.Services.AddRouting();

        // YARP's session affinity protects its cookies with data protection: keep those keys in memory, not in ~/.aspnet.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddReverseProxy().LoadFromMemory([Route()], [Cluster(replicas)]);

        var app = builder.Build();
        app.MapReverseProxy();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new LaunchException($"Cannot serve the proxy on 127.0.0.1:{port}: {e.Message} Choose another port with --port.");
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ReplicaProxy(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Stops taking requests and finishes the ones in flight.</summary>
    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static RouteConfig Route() =>
        new RouteConfig { RouteId = "everything", ClusterId = ClusterId, Match = new RouteMatch { Path = "{**path}" } }
            .WithTransformUseOriginalHostHeader();

    private static ClusterConfig Cluster(IEnumerable<ApiReplica> replicas) => new()
    {
        ClusterId = ClusterId,
        LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromSeconds(2),
                Timeout = TimeSpan.FromSeconds(2),
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/alive",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = TimeSpan.FromSeconds(10),
            },
        },
        Destinations = replicas.ToDictionary(replica => replica.Name, replica => new DestinationConfig { Address = replica.Url.ToString() }),
    };

    private sealed class LauncherOwnsLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
