using System.Net;
using System.Text;
using System.Text.Json;
using FlashSale.Api.Limits;
using FlashSale.Api.Validation;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.PropertyBased;

namespace FlashSale.Tests.Integration;

// The refusals the framework makes before a handler runs are problem+json with a stable code, like the handlers' own.
[Collection(ServersCollection.Name)]
public sealed class FrameworkRefusalTests(Servers servers)
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> AdminKey = [new("X-Api-Key", FlashSaleHost.AdminKey)];

    public static TheoryData<string, string, string, string?, string?, int, string, string?> Refusals => new()
    {
        { "no route", "GET", "/nope", null, null, 404, "not_found", null },
        { "wrong method", "GET", "/checkout", null, null, 405, "method_not_allowed", null },
        { "health written to", "POST", "/health", null, null, 405, "method_not_allowed", null },
        { "liveness deleted", "DELETE", "/alive", null, null, 405, "method_not_allowed", null },
        { "metrics written to", "POST", "/metrics", null, null, 405, "method_not_allowed", null },
        { "URL too long", "POST", "/checkout?user_id=" + new string('a', 100_000), null, null, 414, "uri_too_long", "url" },
        { "no content type", "POST", "/admin/sales", null, "{\"total_items\":5}", 415, "unsupported_media_type", "Content-Type" },
        { "not JSON", "POST", "/admin/sales", "application/json", "{\"total_items\":", 400, "invalid_request", "body" },
        { "wrong type", "POST", "/admin/sales", "application/json", "{\"total_items\":\"ten\"}", 400, "invalid_request", "total_items" },
        { "too deep", "POST", "/admin/sales", "application/json", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100), 400, "invalid_request", "body" },
        { "body too large", "POST", "/admin/sales", "application/json", "{\"x\":\"" + new string('x', RequestLimits.MaxBodySize) + "\"}", 413, "payload_too_large", "body" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task FrameworkRefusalIsProblemJsonWithAStableCode(
        string why, string method, string target, string? contentType, string? body, int status, string code, string? parameter)
    {
        await using var stack = await TestStack.StartAsync(servers);
        var query = target.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? target[at..] : "";
        var probe = new Probe(method, target[..(target.Length - query.Length)], query, AdminKey, contentType, body is null ? null : Encoding.UTF8.GetBytes(body));

        var answer = await probe.SendAsync(stack.Host.Server);

        Assert.True(status == answer.Status, $"{why}: {answer.Status} {answer.Body}");
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(code, answer.Code);
        Assert.True(answer.Headers.ContainsKey(Api.Extensions.FlashSaleExtensions.ReplicaHeader));
        using var problem = JsonDocument.Parse(answer.Body);
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
        Assert.Equal(parameter, problem.RootElement.TryGetProperty("parameter", out var named) ? named.GetString() : null);
    }

    [Theory]
    [InlineData(RequestLimits.MaxHeaderCount + 1, 1)]
    [InlineData(1, RequestLimits.MaxHeadersTotalSize + 1)]
    public async Task TooManyOrTooLargeHeadersAre431(int count, int size)
    {
        await using var stack = await TestStack.StartAsync(servers);
        var headers = Enumerable.Range(0, count).Select(i => new KeyValuePair<string, string>($"X-Filler-{i}", new string('x', size))).ToList();

        var answer = await new Probe("GET", "/sales/current", "", headers, null, null).SendAsync(stack.Host.Server);

        Assert.Equal(431, answer.Status);
        Assert.Equal("headers_too_large", answer.Code);
    }

    // What a user id may be is said once, and the OpenAPI document, the README and the refusal all say it.
    [Fact]
    public async Task OpenApiDocumentSaysWhatAUserIdMayBe()
    {
        await using var stack = await TestStack.StartAsync(servers);

        var text = await stack.Api.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        using var document = JsonDocument.Parse(text);
        var userIds = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .SelectMany(operation => operation.Value.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().ToList() : [])
            .Where(parameter => parameter.GetProperty("name").GetString() == "user_id")
            .ToList();
        Assert.Equal(2, userIds.Count);
        foreach (var userId in userIds)
        {
            Assert.StartsWith(Parameters.UserIdRule, userId.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal(Parameters.MaxUserIdLength, userId.GetProperty("schema").GetProperty("maxLength").GetInt32());
            Assert.Equal(Parameters.UserIdPattern, userId.GetProperty("schema").GetProperty("pattern").GetString());
        }

        var readme = await File.ReadAllTextAsync(RepositoryRoot.PathOf("README.md"));
        Assert.Contains(Parameters.UserIdRule, readme, StringComparison.Ordinal);
        var refusal = (await stack.Api.CheckoutAsync("ålice", "1-000000")).Refused(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("ASCII letters", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("%2B", refusal.Detail, StringComparison.Ordinal);
    }
}
