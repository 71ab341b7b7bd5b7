using FlashSale.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlashSale.Api.Purchases;

public static class PurchaseApi
{
    public static IEndpointRouteBuilder MapPurchaseApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/purchase", Purchase)
            .WithTags("Purchase")
            .WithName("Purchase")
            .WithProblems()
            .WithSummary("Buys the item a checkout code holds")
            .WithDescription("Repeating a purchase with the same code returns the same result and never sells twice.");

        return app;
    }

    public static async Task<Results<Ok<PurchaseReceipt>, ProblemHttpResult>> Purchase(
        [FromQuery(Name = "code")] string? code, PurchaseService purchases, CancellationToken cancellationToken)
    {
        var result = await purchases.PurchaseAsync(code, cancellationToken);
        return result.Receipt is { } receipt ? TypedResults.Ok(receipt) : Problem.For(result.Refusal!);
    }
}
