using System.Text;
using System.Text.Json;
using FlashSale.Api.Limits;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Integration;

// The API as its own process behind real Kestrel: Kestrel's limits sit above the service's, so an over-long URL or
// too many headers get the service's problem+json (with the replica header), not Kestrel's empty answer.
[Collection(ServersCollection.Name)]
public sealed class ApiProcessTests(ApiProcessTests.Fixture api)
    : IClassFixture<ApiProcessTests.Fixture>
{
    private const string Key = "X-Api-Key: " + FlashSaleHost.AdminKey + "\r\n";

    [Theory]
    [InlineData("100,000-character URL", "POST /checkout?user_id={100000} HTTP/1.1\r\n", 414, "uri_too_long")]
    [InlineData("1 MB URL", "GET /sales/1/items?after={1000000} HTTP/1.1\r\n", 414, "uri_too_long")]
    [InlineData("header of 40,000 characters", "GET /sales/current HTTP/1.1\r\nX-Big: {40000}\r\n", 431, "headers_too_large")]
    [InlineData("no content type", "POST /admin/sales HTTP/1.1\r\n" + Key + "Content-Length: 17\r\n\r\n{\"total_items\":5}", 415, "unsupported_media_type")]
    [InlineData("malformed JSON", "POST /admin/sales HTTP/1.1\r\n" + Key + "Content-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"total_items\":", 400, "invalid_request")]
    [InlineData("body over the limit, chunked", "POST /admin/sales HTTP/1.1\r\n" + Key + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}", 413, "payload_too_large")]
    [InlineData("no route", "GET /nope HTTP/1.1\r\n", 404, "not_found")]
    [InlineData("wrong method", "DELETE /checkout HTTP/1.1\r\n", 405, "method_not_allowed")]
    public async Task KestrelPassesOversizedRequestsToTheServiceWhichRefusesThemAsProblemJson(string why, string head, int status, string code)
    {
        var answer = await RawHttp.SendAsync(await api.UrlAsync(), Expand(head));

        Assert.True(status == answer.Status, $"{why}: {answer.Status} {answer.Body}");
        Assert.Equal("application/problem+json", answer.Headers["Content-Type"]);
        Assert.Equal("process", answer.Headers[Api.Extensions.FlashSaleExtensions.ReplicaHeader]);
        using var problem = JsonDocument.Parse(answer.Body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task TooManyHeadersAre431ProblemJson()
    {
        var headers = string.Concat(Enumerable.Range(0, 300).Select(i => $"X-Filler-{i}: x\r\n"));

        var answer = await RawHttp.SendAsync(await api.UrlAsync(), Expand("GET /sales/current HTTP/1.1\r\n" + headers));

        Assert.Equal(431, answer.Status);
        Assert.Contains("headers_too_large", answer.Body, StringComparison.Ordinal);
    }

    // Past Kestrel's own limit, Kestrel answers before any of the service's code: the README says so.
    [Fact]
    public async Task BeyondKestrelsLimitKestrelAnswersBare414()
    {
        var answer = await RawHttp.SendAsync(await api.UrlAsync(),
            Expand($"GET /sales/1/items?after={{{RequestLimits.KestrelMaxRequestLineSize + 1}}} HTTP/1.1\r\n"));

        Assert.Equal(414, answer.Status);
        Assert.Equal("", answer.Body);
    }

    // Kestrel's buffer pool records a measurement on every buffer it rents and returns; its meter is left out, Kestrel's
    // own connection metrics are kept.
    [Fact]
    public async Task KestrelsMetricsAreExposedButNotItsBufferPools()
    {
        using var http = new HttpClient { BaseAddress = await api.UrlAsync() };
        for (var i = 0; i < 5; i++)
        {
            using var answer = await http.GetAsync(new Uri("/sales/current", UriKind.Relative));
        }

        var metrics = PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.Equal("gauge", metrics.TypeOf("kestrel_active_connections"));
        Assert.Null(metrics.TypeOf("aspnetcore_memory_pool_rented_bytes_total"));
        Assert.Null(metrics.TypeOf("aspnetcore_memory_pool_pooled_bytes"));
    }

    // Its settings are the ones beside the binary wherever it is started from: started from another folder it found no
    // appsettings.json, and logged every request at Information (a rush cost 60 % more API CPU per request).
    [Fact]
    public async Task ItsSettingsComeFromBesideTheBinaryWhereverItIsStartedFrom()
    {
        using var http = new HttpClient { BaseAddress = await api.UrlAsync() };
        using var answer = await http.GetAsync(new Uri("/sales/current", UriKind.Relative));

        var contentRoot = "Content root path: " + RepositoryRoot.BuildOutputOf("FlashSale.Api").TrimEnd('/');
        await Waiting.Eventually(() => api.Output.Contains(contentRoot, StringComparison.Ordinal) ? null : $"no \"{contentRoot}\" in:\n{api.Output}");
        Assert.DoesNotContain("Request starting", api.Output, StringComparison.Ordinal);
    }

    // "{N}" stands for N letters; "{chunked}" for a chunked body over the body limit.
    private static string Expand(string head)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(head, @"\{(\d+)\}", match => new string('a', int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        if (text.Contains("{chunked}", StringComparison.Ordinal))
        {
            var chunk = new string('x', 16 * 1024);
            var chunks = new StringBuilder("{\"total_items\":1,\"x\":\"");
            var body = new StringBuilder();
            body.Append(System.Globalization.CultureInfo.InvariantCulture, $"{chunks.Length:x}\r\n{chunks}\r\n");
            for (var i = 0; i < 8; i++)
            {
                body.Append(System.Globalization.CultureInfo.InvariantCulture, $"{chunk.Length:x}\r\n{chunk}\r\n");
            }

            body.Append("0\r\n\r\n");
            return text.Replace("{chunked}", body.ToString(), StringComparison.Ordinal).Insert(text.IndexOf("\r\n", StringComparison.Ordinal) + 2, "Host: localhost\r\nConnection: close\r\n");
        }

        var split = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        text = text.Insert(split, "Host: localhost\r\nConnection: close\r\n");
        return text.Contains("\r\n\r\n", StringComparison.Ordinal) ? text : text + "\r\n";
    }

    public sealed class Fixture(Servers servers) : IAsyncLifetime
    {
        private ApiProcess? _process;
        private Uri? _url;

        public Task<Uri> UrlAsync() => Task.FromResult(_url!);

        public string Output => _process!.Output;

        public async Task InitializeAsync()
        {
            // Started from the repository's root, not from beside the binary, as a person may run it.
            _process = ApiProcess.Start(await ApiProcess.SettingsAsync(servers), RepositoryRoot.FullPath);
            _url = await _process.ListeningAsync();
        }

        public async Task DisposeAsync()
        {
            if (_process is not null)
            {
                await _process.DisposeAsync();
            }
        }
    }
}
