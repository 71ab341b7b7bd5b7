using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using FlashSale.Api.Configuration;
using FlashSale.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlashSale.Api.Sales;

public static class AdminApi
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin")
            .WithTags("Admin")
            .AddEndpointFilter(RequireApiKey);

        admin.MapPost("/sales", CreateSale)
            .WithName("CreateSale")
            .WithProblems()
            .WithSummary("Opens a sale now (or at starts_at). Needs the X-Api-Key header; off while no key is configured");

        return app;
    }

    public static async Task<Results<Created<SaleResponse>, ProblemHttpResult>> CreateSale(
        CreateSaleRequest? request,
        SaleRepository sales,
        CurrentSale currentSale,
        IOptions<FlashSaleOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (request?.TotalItems is not { } totalItems)
        {
            return Problem.InvalidRequest("total_items", "total_items is required");
        }

        if (totalItems is < 1 or > FlashSaleOptionsValidator.MaxItemsPerSale)
        {
            return Problem.InvalidRequest("total_items", $"total_items must be from 1 to {FlashSaleOptionsValidator.MaxItemsPerSale}");
        }

        // Any offset is accepted and the time converted to UTC (PostgreSQL's timestamptz takes UTC only); times
        // outside FirstTime..LastTime are refused before anything can overflow.
        if (!TryTime(request.StartsAt, "starts_at", out var requestedStart, out var problem)
            || !TryTime(request.EndsAt, "ends_at", out var requestedEnd, out problem))
        {
            return problem;
        }

        var startsAt = requestedStart ?? now;
        var endsAt = requestedEnd ?? startsAt + options.Value.SaleDuration;
        if (endsAt <= startsAt)
        {
            return Problem.InvalidRequest("ends_at", "ends_at must be after starts_at");
        }

        if (endsAt <= now)
        {
            return Problem.InvalidRequest("ends_at", "ends_at must be in the future");
        }

        if (endsAt - startsAt > TimeSpan.FromDays(7))
        {
            return Problem.InvalidRequest("ends_at", "a sale lasts at most 7 days");
        }

        var sale = await sales.CreateAsync(new SaleWindow(startsAt, endsAt), totalItems, options.Value.MaxItemsPerUser, cancellationToken);
        if (sale is null)
        {
            return Problem.Conflict(ProblemCodes.SaleOverlaps, "Another sale already runs at some time in that window");
        }

        currentSale.Forget();
        return TypedResults.Created($"/sales/{sale.Id}", SaleResponse.From(sale, 0, 0, now));
    }

    public static readonly DateTimeOffset FirstTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LastTime = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static bool TryTime(DateTimeOffset? value, string name, out DateTimeOffset? utc, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        utc = value?.ToUniversalTime();
        problem = utc is { } time && (time < FirstTime || time >= LastTime)
            ? Problem.InvalidRequest(name, $"{name} must be from {FirstTime:yyyy-MM-dd} to {LastTime:yyyy-MM-dd} (UTC)")
            : null;
        return problem is null;
    }

    private static async ValueTask<object?> RequireApiKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = context.HttpContext.RequestServices.GetRequiredService<IOptions<FlashSaleOptions>>().Value.AdminApiKey;
        if (string.IsNullOrWhiteSpace(configured))
        {
            return Problem.NotFound(ProblemCodes.NotFound, "Admin routes are off: no admin API key is configured");
        }

        var given = context.HttpContext.Request.Headers[ApiKeyHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(configured)))
        {
            return Problem.Of(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, $"The {ApiKeyHeader} header is missing or wrong");
        }

        return await next(context);
    }
}
