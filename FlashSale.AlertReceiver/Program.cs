using FlashSale.AlertReceiver;

var builder = ServiceBuilder.Create(args);

builder.AddServiceDefaults();
builder.Services.AddSingleton(TimeProvider.System).AddSingleton<AlertBook>();

var app = builder.Build();

app.UseHttpMetrics();
app.MapDefaultEndpoints();
app.MapAlertsApi();

app.Run();
