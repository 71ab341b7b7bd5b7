using static FlashSale.Api.Problems.ProblemCodes;

namespace FlashSale.Api.Problems;

// Every problem each route can answer: by status, the codes it may carry. This one table is what the routes
// declare (WithProblems), what the OpenAPI document lists per route (each status, and the enumeration of
// `code`), and what the tests hold the running API to. A problem that every route can answer is in Common:
// a refusal added for all routes (the framework's, rate limiting) is added there, once.
public static class RouteProblems
{
    public static readonly IReadOnlyList<ProblemAnswer> Common =
    [
        new(StatusCodes.Status503ServiceUnavailable, DependencyUnavailable),
    ];

    private static readonly Dictionary<string, ProblemAnswer[]> Specific = new()
    {
        ["Checkout"] =
        [
            new(StatusCodes.Status400BadRequest, InvalidRequest),
            new(StatusCodes.Status404NotFound, ItemNotFound, NoActiveSale),
            new(StatusCodes.Status409Conflict, ItemSold, ItemReserved, UserLimitReached),
        ],
        ["Purchase"] =
        [
            new(StatusCodes.Status400BadRequest, InvalidRequest),
            new(StatusCodes.Status404NotFound, CodeNotFound),
            new(StatusCodes.Status409Conflict, ItemSold, UserLimitReached, SaleEnded),
            new(StatusCodes.Status410Gone, CodeExpired),
        ],
        ["ListSales"] = [new(StatusCodes.Status400BadRequest, InvalidRequest)],
        ["GetCurrentSale"] = [new(StatusCodes.Status404NotFound, NoActiveSale)],
        ["GetSale"] = [new(StatusCodes.Status400BadRequest, InvalidRequest), new(StatusCodes.Status404NotFound, SaleNotFound)],
        ["ListSaleItems"] = [new(StatusCodes.Status400BadRequest, InvalidRequest), new(StatusCodes.Status404NotFound, SaleNotFound)],
        ["ListUserPurchases"] = [new(StatusCodes.Status400BadRequest, InvalidRequest)],
        ["CreateSale"] =
        [
            new(StatusCodes.Status400BadRequest, InvalidRequest),
            new(StatusCodes.Status401Unauthorized, Unauthorized),
            new(StatusCodes.Status404NotFound, NotFound),
            new(StatusCodes.Status409Conflict, SaleOverlaps),
        ],
    };

    public static IEnumerable<string> Routes => Specific.Keys;

    // The route's own problems, without the common ones.
    public static IReadOnlyList<ProblemAnswer> SpecificTo(string route) => Specific[route];

    // The route's own problems and the common ones, one answer per status, by status.
    public static IReadOnlyList<ProblemAnswer> For(string route) =>
        Specific.TryGetValue(route, out var specific)
            ? [.. specific.Concat(Common)
                .GroupBy(answer => answer.Status)
                .OrderBy(group => group.Key)
                .Select(group => new ProblemAnswer(group.Key, [.. group.SelectMany(answer => answer.Codes).Distinct()]))]
            : throw new InvalidOperationException($"Route {route} has no entry in RouteProblems");

    public static IReadOnlyList<string> CodesOf(string route) => [.. For(route).SelectMany(answer => answer.Codes).Distinct()];

    // Declares the route's problems in its metadata; the route must be named (WithName) first.
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder)
    {
        builder.Add(endpoint =>
        {
            var name = endpoint.Metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName
                ?? throw new InvalidOperationException($"{endpoint.DisplayName} declares problems before it has a name");
            endpoint.Metadata.Add(new RouteProblemsMetadata(name, For(name)));
        });
        return builder;
    }
}

public sealed record ProblemAnswer(int Status, params string[] Codes);

public sealed record RouteProblemsMetadata(string Route, IReadOnlyList<ProblemAnswer> Answers);
