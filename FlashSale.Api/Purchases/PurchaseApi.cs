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
            .WithSummary("Buys the item a checkout code holds")
            .WithDescription("Repeating a purchase with the same code returns the same result and never sells twice. " +
                "Refusals: 400 invalid_request, 404 code_not_found, 410 code_expired, 409 item_sold / user_limit_reached / sale_ended.");

        return app;
    }

    public static Task<Results<Ok<PurchaseReceipt>, ProblemHttpResult>> Purchase(
        [FromQuery(Name = "code")] string? code, PurchaseService purchases, CancellationToken cancellationToken) =>
        purchases.PurchaseAsync(code, cancellationToken);
}
