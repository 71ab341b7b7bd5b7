using FlashSale.Api.Configuration;
using FlashSale.Api.Extensions;

StartupFailure.ExplainBadSettings();

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFlashSale();

var app = builder.Build();

app.MapFlashSale();

app.Run();

public partial class Program;
