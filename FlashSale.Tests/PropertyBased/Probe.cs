using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;

namespace FlashSale.Tests.PropertyBased;

// One generated request, sent in-process through the test server as it would reach the app from Kestrel: the
// path already percent-decoded, the query string and the request target raw, so that control characters,
// invalid UTF-8 escapes and megabyte-long values reach the API without an HTTP client refusing them first.
public sealed record Probe(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, string? ContentType, byte[]? Body)
{
    public async Task<ProbeAnswer> SendAsync(TestServer server, IPAddress? client = null)
    {
        var context = await server.SendAsync(http =>
        {
            var request = http.Request;
            request.Method = Method;
            request.Path = new PathString(Path);
            request.QueryString = new QueryString(Query);
            http.Features.Get<IHttpRequestFeature>()!.RawTarget = Path + Query;
            http.Connection.RemoteIpAddress = client ?? IPAddress.Loopback;
            foreach (var (name, value) in Headers)
            {
                request.Headers.Append(name, value);
            }

            if (ContentType is not null)
            {
                request.ContentType = ContentType;
            }

            if (Body is not null)
            {
                request.Body = new MemoryStream(Body);
                request.ContentLength = Body.Length;
                http.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
            }
        });

        using var reader = new StreamReader(context.Response.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var endpoint = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        return new ProbeAnswer(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers, body, endpoint);
    }

    // What a failing case prints: long values cut, so a shrunk counterexample stays readable.
    public override string ToString()
    {
        static string Cut(string value) => value.Length <= 200 ? value : $"{value[..200]}…({value.Length} chars)";
        var body = Body is null ? "" : " body " + Cut(Encoding.UTF8.GetString(Body));
        var headers = string.Join(", ", Headers.Select(h => $"{Cut(h.Key)}: {Cut(h.Value)}"));
        return $"{Method} {Cut(Path)}{Cut(Query)} [{headers}] {ContentType}{body}";
    }
}

// Kestrel says a request with a Content-Length can have a body; minimal APIs read it (or refuse its type) only then.
file sealed class HasBody : IHttpRequestBodyDetectionFeature
{
    public bool CanHaveBody => true;
}

public sealed record ProbeAnswer(int Status, string? ContentType, IHeaderDictionary Headers, string Body, string? Endpoint)
{
    public string? Code { get; } = ReadCode(ContentType, Body);

    private static string? ReadCode(string? contentType, string body)
    {
        if (contentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true || body.Length == 0)
        {
            return null;
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}
