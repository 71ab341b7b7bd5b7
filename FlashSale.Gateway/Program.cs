using FlashSale.Gateway;

var builder = WebApplication.CreateBuilder(args);

builder.ConfigureOpenTelemetry();
builder.AddReplicaProxy();

var app = builder.Build();

app.MapReverseProxy();

app.Run();
