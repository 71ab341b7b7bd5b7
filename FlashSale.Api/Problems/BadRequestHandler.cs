using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace FlashSale.Api.Problems;

// A request the framework could not bind (ThrowOnBadRequest is on): a body that is not JSON, not JSON of the
// right shape, of the wrong content type, or too large. Answered with its own status (400, 413, 415) as problem+json.
public sealed partial class BadRequestHandler(
    IProblemDetailsService problemDetails, ILogger<BadRequestHandler> logger) : IExceptionHandler
{
    public const string BodyParameter = "body";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        LogBadRequest(logger, httpContext.Request.Path, bad.StatusCode, bad.Message);
        var (parameter, detail) = Explain(httpContext, bad);
        var problem = FrameworkProblems.Refusal(httpContext, bad.StatusCode, detail, parameter);

        return await problemDetails.TryWriteAsync(problem);
    }

    private static (string? Parameter, string Detail) Explain(HttpContext httpContext, BadHttpRequestException bad)
    {
        switch (bad.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                var limit = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
                return (BodyParameter, limit is null ? "The request body is too large" : $"The request body may be at most {limit} bytes");
            case StatusCodes.Status415UnsupportedMediaType:
                return (FrameworkProblems.ContentTypeParameter, FrameworkProblems.UnsupportedMediaTypeDetail);
        }

        if (FindJsonException(bad) is { } json)
        {
            // The reader's own errors (syntax, depth) come wrapped in a JsonException of theirs: then the body as a
            // whole is at fault, wherever the reader stopped; otherwise a value did not fit its member.
            var member = json.InnerException is JsonException ? null : JsonMember(json.Path);
            return member is null
                ? (BodyParameter, $"The body is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})")
                : (member, $"{member} has a value of the wrong type or out of range");
        }

        return (BodyParameter, "The request body could not be read as this call expects");
    }

    private static JsonException? FindJsonException(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    // "$.total_items" names total_items; "$" or a path into arrays names the body as a whole.
    private static string? JsonMember(string? path) =>
        path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) && path.IndexOfAny(['.', '['], 2) < 0
            ? path[2..]
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a request to {Path} with {Status}: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, PathString path, int status, string reason);
}
