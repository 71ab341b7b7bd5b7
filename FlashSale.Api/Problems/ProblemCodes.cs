namespace FlashSale.Api.Problems;

// The stable, machine-readable `code` member of every problem+json answer.
public static class ProblemCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string ItemNotFound = "item_not_found";
    public const string NoActiveSale = "no_active_sale";
    public const string SaleNotFound = "sale_not_found";
    public const string ItemSold = "item_sold";
    public const string ItemReserved = "item_reserved";
    public const string UserLimitReached = "user_limit_reached";
    public const string CodeNotFound = "code_not_found";
    public const string CodeExpired = "code_expired";
    public const string SaleEnded = "sale_ended";
    public const string SaleOverlaps = "sale_overlaps";
    public const string DependencyUnavailable = "dependency_unavailable";
    public const string InternalError = "internal_error";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UriTooLong = "uri_too_long";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string HeadersTooLarge = "headers_too_large";
    public const string TooManyRequests = "too_many_requests";
    public const string RequestRefused = "request_refused";

    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status414UriTooLong => UriTooLong,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => HeadersTooLarge,
        StatusCodes.Status503ServiceUnavailable => DependencyUnavailable,

        // Any other refusal the framework may give (408, 411...) still has a stable code.
        _ => status >= 500 ? InternalError : RequestRefused,
    };
}
