using FlashSale.Api.Checkout;
using FlashSale.Api.Configuration;
using FlashSale.Api.Contract;
using FlashSale.Api.Extensions;
using FlashSale.Api.Limits;
using FlashSale.Api.Purchases;
using FlashSale.Api.Sales;
using FlashSale.Api.Users;

StartupFailure.ExplainBadSettings();

var builder = ServiceBuilder.Create(args);

builder.AddServiceDefaults();
builder.AddFlashSale();

var app = builder.Build();
var options = app.ValidatedOptions();

// The pipeline, in its order: each step sees what the steps after it answer.
app.UseHeadAsGet();
app.UseRouting();
app.UseReplicaHeader(options.ReplicaName);
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseHttpMetrics();
app.UseRequestLimits();
app.UseFlashSaleRateLimiting(options.RateLimit);

app.MapDefaultEndpoints();
app.MapReferencePages();
app.MapCheckoutApi();
app.MapPurchaseApi();
app.MapSalesApi();
app.MapUsersApi();
app.MapAdminApi();

app.Run();

public partial class Program;
