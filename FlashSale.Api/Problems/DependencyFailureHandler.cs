using Microsoft.AspNetCore.Diagnostics;

namespace FlashSale.Api.Problems;

// A storage failure that escapes a handler is a 503 with a clear problem body, never an unexplained 500.
public sealed partial class DependencyFailureHandler(IProblemDetailsService problemDetails, ILogger<DependencyFailureHandler> logger)
    : IExceptionHandler
{
    public static bool IsDependencyFailure(Exception exception) => DependencyFailures.IsDependencyFailure(exception);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDependencyFailure(exception))
        {
            return false;
        }

        LogDependencyFailure(logger, httpContext.Request.Path, exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "A dependency is unavailable",
                Detail = "PostgreSQL or Redis did not answer in time. Retry shortly.",
                Extensions = { ["code"] = ProblemCodes.DependencyUnavailable },
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dependency failed while serving {Path}")]
    private static partial void LogDependencyFailure(ILogger logger, PathString path, Exception exception);
}
