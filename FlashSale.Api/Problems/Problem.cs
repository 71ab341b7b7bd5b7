using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Api.Problems;

// Builds the problem+json answers, each with its stable `code` member.
public static class Problem
{
    public static ProblemHttpResult Of(int status, string code, string detail, string? parameter = null)
    {
        Dictionary<string, object?> extensions = new() { ["code"] = code };
        if (parameter is not null)
        {
            extensions["parameter"] = parameter;
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: TitleOf(code), extensions: extensions);
    }

    public static ProblemHttpResult InvalidRequest(string parameter, string detail) =>
        Of(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, detail, parameter);

    public static ProblemHttpResult NotFound(string code, string detail) => Of(StatusCodes.Status404NotFound, code, detail);

    public static ProblemHttpResult Conflict(string code, string detail) => Of(StatusCodes.Status409Conflict, code, detail);

    public const string DependencyUnavailableDetail = "A storage dependency is unavailable; nothing was recorded. Retry shortly.";

    public static ProblemHttpResult DependencyUnavailable(string detail = DependencyUnavailableDetail) =>
        Of(StatusCodes.Status503ServiceUnavailable, ProblemCodes.DependencyUnavailable, detail);

    // A refusal as its route answers it: each code has one status.
    public static ProblemHttpResult For(Refusal refusal) => Of(StatusOf(refusal.Code), refusal.Code, refusal.Detail, refusal.Parameter);

    public static int StatusOf(string code) => code switch
    {
        ProblemCodes.InvalidRequest => StatusCodes.Status400BadRequest,
        ProblemCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ProblemCodes.NotFound or ProblemCodes.ItemNotFound or ProblemCodes.NoActiveSale or ProblemCodes.SaleNotFound or ProblemCodes.CodeNotFound =>
            StatusCodes.Status404NotFound,
        ProblemCodes.ItemSold or ProblemCodes.ItemReserved or ProblemCodes.UserLimitReached or ProblemCodes.SaleEnded or ProblemCodes.SaleOverlaps =>
            StatusCodes.Status409Conflict,
        ProblemCodes.CodeExpired => StatusCodes.Status410Gone,
        ProblemCodes.DependencyUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not a refusal a service makes"),
    };

    public static string TitleOf(string code) => code switch
    {
        ProblemCodes.InvalidRequest => "The request is invalid",
        ProblemCodes.ItemNotFound => "No such item in the active sale",
        ProblemCodes.NoActiveSale => "No sale is running",
        ProblemCodes.SaleNotFound => "No such sale",
        ProblemCodes.ItemSold => "The item is sold",
        ProblemCodes.ItemReserved => "The item is held by another shopper",
        ProblemCodes.UserLimitReached => "The per-user limit is reached",
        ProblemCodes.CodeNotFound => "No such checkout code",
        ProblemCodes.CodeExpired => "The checkout code has expired",
        ProblemCodes.SaleEnded => "The sale has ended",
        ProblemCodes.SaleOverlaps => "The sale would overlap another sale",
        ProblemCodes.Unauthorized => "A valid admin API key is required",
        ProblemCodes.DependencyUnavailable => "A dependency is unavailable",
        ProblemCodes.NotFound => "No such resource",
        ProblemCodes.MethodNotAllowed => "The method is not allowed here",
        ProblemCodes.PayloadTooLarge => "The request body is too large",
        ProblemCodes.UriTooLong => "The URL is too long",
        ProblemCodes.UnsupportedMediaType => "The body's content type is not supported",
        ProblemCodes.HeadersTooLarge => "The request headers are too large",
        ProblemCodes.TooManyRequests => "Too many requests",
        _ => "The request failed",
    };
}
