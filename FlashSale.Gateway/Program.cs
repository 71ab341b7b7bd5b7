using FlashSale.Gateway;

var builder = WebApplication.CreateBuilder(args);

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
