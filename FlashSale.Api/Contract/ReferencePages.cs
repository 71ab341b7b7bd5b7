using Scalar.AspNetCore;

namespace FlashSale.Api.Contract;

// The API's own description: the OpenAPI document, the Scalar reference page built from it, and "/", the
// first URL a person opens, leading there. The page shows only what works without the internet: no AI chat
// (Agent Scalar), no MCP or SDK generation, no developer toolbar (Deploy, Share), no telemetry, no web fonts.
public static class ReferencePages
{
    public const string ReferencePath = "/scalar";

    public static IEndpointRouteBuilder MapReferencePages(this IEndpointRouteBuilder app)
    {
        // One document: any other name is no route (404 problem+json), not the OpenAPI middleware's text/plain 404.
        app.MapOpenApi("/openapi/v1.json");
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("FlashSale API")
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools()
            .DisableTelemetry()
            .DisableDefaultFonts());
        app.MapGet("/", () => TypedResults.Redirect(ReferencePath)).ExcludeFromDescription();
        return app;
    }

    // HEAD is GET without a body (RFC 9110): rewritten before routing, every GET route answers HEAD with the
    // status and headers GET would give, and a route without GET refuses HEAD as it refuses GET.
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        var body = context.Response.Body;
        context.Request.Method = HttpMethods.Get;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
            context.Request.Method = HttpMethods.Head;
        }
    });
}
