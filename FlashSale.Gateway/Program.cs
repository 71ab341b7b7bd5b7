using FlashSale.Gateway;

var builder = ServiceBuilder.Create(args);

// Telemetry only, not AddServiceDefaults: the gateway has no health of its own to report, and its /health, /alive
// and /metrics would hide the replicas' (every path, those included, is proxied to a replica).
builder.ConfigureOpenTelemetry();
builder.AddReplicaProxy();

var app = builder.Build();

app.MapReverseProxy(proxy =>
{
    proxy.UseLoadBalancing();
    proxy.UseUnreachedReplicaRetry();
    proxy.UsePassiveHealthChecks();
});

app.Run();
