namespace FlashSale.Api.Problems;

// The refusals ASP.NET Core makes before a handler runs (no route, wrong method, a body it cannot read) get the
// same problem+json as the handlers' own: a stable `code`, a `detail` a client can act on and, for a bad body,
// the `parameter` at fault.
public static class FrameworkProblems
{
    // Fills what the framework leaves out of the problems it writes (status code pages, binding failures).
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        problem.Extensions.TryAdd("code", ProblemCodes.ForStatus(status));
        if (problem.Detail is null && status == StatusCodes.Status404NotFound)
        {
            problem.Detail = "No such route; the README's HTTP contract lists every call";
        }
        else if (problem.Detail is null && status == StatusCodes.Status405MethodNotAllowed)
        {
            var allowed = context.HttpContext.Response.Headers.Allow.ToString();
            problem.Detail = allowed.Length > 0
                ? $"{context.HttpContext.Request.Method} is not allowed here; use {allowed}"
                : $"{context.HttpContext.Request.Method} is not allowed here";
        }
        else if (problem.Detail is null && status == StatusCodes.Status415UnsupportedMediaType)
        {
            // Minimal APIs answer a body of another content type with a bare 415, without throwing.
            problem.Detail = UnsupportedMediaTypeDetail;
            problem.Extensions.TryAdd("parameter", ContentTypeParameter);
        }
        else if (problem.Detail is null)
        {
            problem.Detail = problem.Title ?? "The request was refused";
        }
    }

    // A refusal written outside a handler (middleware, exception handler, rate limiter): the status's code and title.
    public static ProblemDetailsContext Refusal(HttpContext httpContext, int status, string detail, string? parameter = null)
    {
        var code = ProblemCodes.ForStatus(status);
        httpContext.Response.StatusCode = status;
        var context = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Title = Problem.TitleOf(code), Detail = detail, Extensions = { ["code"] = code } },
        };
        if (parameter is not null)
        {
            context.ProblemDetails.Extensions["parameter"] = parameter;
        }

        return context;
    }

    public const string ContentTypeParameter = "Content-Type";
    public const string UnsupportedMediaTypeDetail = "The body must be JSON: send it with Content-Type: application/json";
}
