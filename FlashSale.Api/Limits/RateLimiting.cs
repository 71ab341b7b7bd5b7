using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using FlashSale.Api.Configuration;
using FlashSale.Api.Problems;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FlashSale.Api.Limits;

// ASP.NET Core's rate limiter, two fixed windows chained: one per client (its IP address) over every call but the
// probes, one per user id over the calls that name one. A bot spreading checkouts over many user ids from one
// client meets the first; many clients acting for one user id meet the second. A refusal is 429 too_many_requests
// with Retry-After. Off unless FlashSale:RateLimit sets a limit.
public static class RateLimiting
{
    private static readonly PathString[] Exempt = ["/health", "/alive", "/metrics"];

    public static IServiceCollection AddFlashSaleRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<FlashSaleOptions>>((limiter, flashSale) =>
        {
            var settings = flashSale.Value.RateLimit;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(settings, settings.PerClient, ClientKey(context))),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(settings, settings.PerUser, UserKey(context))));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    public static IApplicationBuilder UseFlashSaleRateLimiting(this IApplicationBuilder app, RateLimitOptions settings)
    {
        if (!settings.Enabled)
        {
            return app;
        }

        if (settings.TrustedProxies.Length > 0)
        {
            // Only these proxies may say who the client is; anyone else's X-Forwarded-For is ignored.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in settings.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            app.UseForwardedHeaders(forwarded);
        }

        return app.UseRateLimiter();
    }

    private static RateLimitPartition<string> Partition(RateLimitOptions settings, int permits, string? key) =>
        permits <= 0 || key is null
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = settings.Window,
                QueueLimit = 0,
            });

    private static string? ClientKey(HttpContext context) =>
        Exempt.Any(path => context.Request.Path.StartsWithSegments(path))
            ? null
            : context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    // The user id as sent, from POST /checkout?user_id= or /users/{user_id}/...; one too long to be valid
    // (refused anyway) falls under the client's limit only.
    private static string? UserKey(HttpContext context)
    {
        var userId = context.Request.Query["user_id"].ToString();
        if (userId.Length == 0 && context.Request.Path.StartsWithSegments("/users", out var rest))
        {
            userId = rest.Value?.Split('/', 3) is [_, var segment, ..] ? segment : "";
        }

        return userId.Length is > 0 and <= Validation.Parameters.MaxUserIdLength ? userId : null;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var window = context.RequestServices.GetRequiredService<IOptions<FlashSaleOptions>>().Value.RateLimit.Window;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(FrameworkProblems.Refusal(
            context, StatusCodes.Status429TooManyRequests, $"Too many requests from this client or for this user id; retry after {seconds} s"));
    }
}
