using FlashSale.Api.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FlashSale.Api.Limits;

// How large a request may be. The service enforces its limits itself, in middleware that answers problem+json
// (414, 431, 413) with the replica header like every other refusal. Kestrel's own limits, which it answers
// before any application code with an empty body, are set well above them, so that only requests larger than
// them (a request line or headers over 1 MiB) still get Kestrel's bare answer.
public static class RequestLimits
{
    // Path and query as sent: every call of the contract fits in a few hundred bytes.
    public const int MaxUrlLength = 8 * 1024;

    // The request headers, names and values together, and how many there may be.
    public const int MaxHeadersTotalSize = 32 * 1024;
    public const int MaxHeaderCount = 100;

    // The only body the API reads is POST /admin/sales's small JSON object.
    public const int MaxBodySize = 64 * 1024;

    // 1 MiB: Kestrel's request buffer per connection (which must hold a whole request line or header block), so
    // raising these costs no memory beyond Kestrel's default.
    public const int KestrelMaxRequestLineSize = 1024 * 1024;
    public const int KestrelMaxHeadersTotalSize = 1024 * 1024;
    public const int KestrelMaxHeaderCount = 1000;

    public static void ConfigureKestrel(KestrelServerOptions options)
    {
        options.Limits.MaxRequestLineSize = KestrelMaxRequestLineSize;
        options.Limits.MaxRequestHeadersTotalSize = KestrelMaxHeadersTotalSize;
        options.Limits.MaxRequestHeaderCount = KestrelMaxHeaderCount;
        options.Limits.MaxRequestBodySize = MaxBodySize;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var request = context.Request;
        var urlLength = UrlLength(context);
        if (urlLength > MaxUrlLength)
        {
            return RefuseAsync(context, StatusCodes.Status414UriTooLong, "url",
                $"The URL's path and query may be at most {MaxUrlLength} characters long (got {urlLength})");
        }

        var (count, size) = (0, 0L);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                size += name.Length + (value?.Length ?? 0);
            }
        }

        if (count > MaxHeaderCount || size > MaxHeadersTotalSize)
        {
            return RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "headers",
                $"At most {MaxHeaderCount} headers of at most {MaxHeadersTotalSize} characters in all (got {count} headers, {size} characters)");
        }

        if (request.ContentLength > MaxBodySize)
        {
            return RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, BadRequestHandler.BodyParameter,
                $"The request body may be at most {MaxBodySize} bytes (got {request.ContentLength})");
        }

        // A body sent without a length is cut off at the limit too (Kestrel enforces it; BadRequestHandler answers).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxBodySize;
        }

        return next(context);
    });

    private static long UrlLength(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw)
            ? context.Request.PathBase.ToUriComponent().Length + context.Request.Path.ToUriComponent().Length + context.Request.QueryString.ToUriComponent().Length
            : raw.Length;
    }

    private static Task RefuseAsync(HttpContext context, int status, string parameter, string detail) =>
        context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(FrameworkProblems.Refusal(context, status, detail, parameter)).AsTask();
}
