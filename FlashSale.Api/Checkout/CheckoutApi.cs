using FlashSale.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlashSale.Api.Checkout;

public static class CheckoutApi
{
    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/checkout", Checkout)
            .WithTags("Checkout")
            .WithName("Checkout")
            .WithProblems()
            .WithSummary("Holds an item of the running sale for the user and returns the code that buys it")
            .WithDescription("The same user checking out the same item while the hold lasts gets the same code back. " +
                "A hold lasts the configured CheckoutHold and never past the sale's end: expires_at says when it ends.");

        return app;
    }

    public static async Task<Results<Ok<CheckoutResponse>, ProblemHttpResult>> Checkout(
        [FromQuery(Name = "user_id")] string? userId,
        [FromQuery(Name = "id")] string? id,
        CheckoutService checkout,
        CancellationToken cancellationToken)
    {
        var outcome = await checkout.CheckoutAsync(userId, id, cancellationToken);
        return outcome.Hold is { } hold ? TypedResults.Ok(hold) : Problem.For(outcome.Refusal!);
    }
}
