using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FlashSale.ServiceDefaults.Http;

// Records every request under its route template (never the raw path), so label values stay bounded.
public sealed class HttpMetricsMiddleware(RequestDelegate next, HttpMetrics metrics)
{
    public const string UnmatchedHandler = "unmatched";

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var statusCode = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            statusCode = context.Response.StatusCode;
        }
        finally
        {
            var handler = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? UnmatchedHandler;
            if (!handler.StartsWith('/'))
            {
                handler = "/" + handler;
            }

            metrics.Record(handler, context.Request.Method, statusCode, Stopwatch.GetElapsedTime(started));
        }
    }
}
