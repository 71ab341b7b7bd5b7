using FlashSale.Api.Problems;
using FlashSale.Api.Purchases;
using FlashSale.Api.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlashSale.Api.Users;

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/users/{user_id}/purchases", ListPurchases)
            .WithTags("Users")
            .WithName("ListUserPurchases")
            .WithProblems()
            .WithSummary("A user's purchases, newest first, in one sale (sale_id) or in all sales");

        return app;
    }

    public static async Task<Results<Ok<UserPurchasesResponse>, ProblemHttpResult>> ListPurchases(
        [FromRoute(Name = "user_id")] string userId,
        [FromQuery(Name = "sale_id")] string? saleId,
        PurchaseLedger ledger,
        CancellationToken cancellationToken)
    {
        if (!Parameters.TryUserId(userId, "user_id", out var user, out var problem)
            || !Parameters.TryOptionalSaleId(saleId, "sale_id", out var sale, out problem))
        {
            return Problem.For(problem);
        }

        var purchases = await ledger.ListForUserAsync(user, sale, cancellationToken);
        return TypedResults.Ok(new UserPurchasesResponse(purchases));
    }
}

public sealed record UserPurchasesResponse(IReadOnlyList<PurchaseReceipt> Purchases);
