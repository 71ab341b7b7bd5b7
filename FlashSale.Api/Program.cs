using FlashSale.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFlashSale();

var app = builder.Build();

app.MapFlashSale();

app.Run();

public partial class Program;
