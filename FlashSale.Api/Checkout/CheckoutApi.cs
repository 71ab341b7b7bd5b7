using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using FlashSale.Api.Validation;
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
            .WithSummary("Holds an item of the running sale for the user and returns the code that buys it")
            .WithDescription("The same user checking out the same item while the hold lasts gets the same code back. " +
                "Refusals: 400 invalid_request, 404 item_not_found / no_active_sale, 409 item_sold / item_reserved / user_limit_reached.");

        return app;
    }

    public static Task<Results<Ok<CheckoutResponse>, ProblemHttpResult>> Checkout(
        [FromQuery(Name = "user_id"), Description(Parameters.UserIdInQuery), StringLength(Parameters.MaxUserIdLength, MinimumLength = 1), RegularExpression(Parameters.UserIdPattern)] string? userId,
        [FromQuery(Name = "id"), Description("An item of the running sale, e.g. 42-000017 (sale id, dash, six-digit position)")] string? id,
        CheckoutService checkout,
        CancellationToken cancellationToken) =>
        checkout.CheckoutAsync(userId, id, cancellationToken);
}
