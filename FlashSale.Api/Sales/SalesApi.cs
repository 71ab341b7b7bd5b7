using FlashSale.Api.Problems;
using FlashSale.Api.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlashSale.Api.Sales;

public static class SalesApi
{
    public const int MaxPageSize = 1000;
    public const int DefaultPageSize = 100;
    public const int MaxSalesPageSize = 100;
    public const int DefaultSalesPageSize = 20;

    public static IEndpointRouteBuilder MapSalesApi(this IEndpointRouteBuilder app)
    {
        var sales = app.MapGroup("/sales").WithTags("Sales");

        sales.MapGet("", ListSales)
            .WithName("ListSales")
            .WithProblems()
            .WithSummary("Upcoming and past sales, newest first, with keyset pagination (pass `next` as `after`)");
        sales.MapGet("/current", GetCurrentSale)
            .WithName("GetCurrentSale")
            .WithProblems()
            .WithSummary("The running sale and its stock figures");
        sales.MapGet("/{id}", GetSale)
            .WithName("GetSale")
            .WithProblems()
            .WithSummary("Any sale and its stock figures");
        sales.MapGet("/{id}/items", ListItems)
            .WithName("ListSaleItems")
            .WithProblems()
            .WithSummary("A sale's items, by position, with keyset pagination (pass `next` as `after`)");

        return app;
    }

    public static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> GetCurrentSale(
        CurrentSale currentSale, SaleFigures figures, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sale = await currentSale.GetAsync(now, cancellationToken);
        if (sale is null)
        {
            return Problem.NotFound(ProblemCodes.NoActiveSale, "No sale is running right now");
        }

        var (sold, held) = await figures.GetAsync(sale, now, cancellationToken);
        return TypedResults.Ok(SaleResponse.From(sale, sold, held, now));
    }

    public static async Task<Results<Ok<SalePageResponse>, ProblemHttpResult>> ListSales(
        [FromQuery] string? after,
        [FromQuery] string? limit,
        SaleRepository sales,
        SaleFigures figures,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!Parameters.TryLimit(limit, "limit", DefaultSalesPageSize, MaxSalesPageSize, out var pageSize, out var problem)
            || !Parameters.TryOptionalSaleId(after, "after", out var afterId, out problem))
        {
            return Problem.For(problem);
        }

        var now = time.GetUtcNow();
        var found = await sales.ListAsync(afterId, pageSize + 1, now, cancellationToken);
        List<SaleResponse> page = [];
        foreach (var summary in found.Take(pageSize))
        {
            var (sold, held) = summary.Sale.IsOpenAt(now) ? await figures.GetAsync(summary.Sale, now, cancellationToken) : (summary.ItemsSold, 0);
            page.Add(SaleResponse.From(summary.Sale, sold, held, now));
        }

        var next = found.Count > pageSize ? page[^1].Id : (long?)null;
        return TypedResults.Ok(new SalePageResponse(page, next));
    }

    public static async Task<Results<Ok<SaleResponse>, ProblemHttpResult>> GetSale(
        string id, SaleRepository sales, SaleFigures figures, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Parameters.TrySaleId(id, "id", out var saleId, out var problem))
        {
            return Problem.For(problem);
        }

        var sale = await sales.FindAsync(saleId, cancellationToken);
        if (sale is null)
        {
            return Problem.NotFound(ProblemCodes.SaleNotFound, $"There is no sale {saleId}");
        }

        var now = time.GetUtcNow();
        var (sold, held) = await figures.GetAsync(sale, now, cancellationToken);
        return TypedResults.Ok(SaleResponse.From(sale, sold, held, now));
    }

    public static async Task<Results<Ok<ItemPageResponse>, ProblemHttpResult>> ListItems(
        string id,
        [FromQuery] string? status,
        [FromQuery] string? after,
        [FromQuery] string? limit,
        SaleRepository sales,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!Parameters.TrySaleId(id, "id", out var saleId, out var problem)
            || !Parameters.TryStatus(status, "status", out var statusFilter, out problem)
            || !Parameters.TryLimit(limit, "limit", DefaultPageSize, MaxPageSize, out var pageSize, out problem))
        {
            return Problem.For(problem);
        }

        var afterIndex = -1;
        if (after is not null)
        {
            if (!Parameters.TryItemId(after, "after", out var afterItem, out problem))
            {
                return Problem.For(problem);
            }

            if (afterItem.SaleId != saleId)
            {
                return Problem.InvalidRequest("after", $"after must be an item of sale {saleId}");
            }

            afterIndex = afterItem.Index;
        }

        var sale = await sales.FindAsync(saleId, cancellationToken);
        if (sale is null)
        {
            return Problem.NotFound(ProblemCodes.SaleNotFound, $"There is no sale {saleId}");
        }

        var items = await sales.ListItemsAsync(saleId, statusFilter, afterIndex, pageSize + 1, time.GetUtcNow(), cancellationToken);
        var page = items.Take(pageSize).Select(ItemResponse.From).ToList();
        var next = items.Count > pageSize ? page[^1].Id : null;
        return TypedResults.Ok(new ItemPageResponse(page, next));
    }
}
