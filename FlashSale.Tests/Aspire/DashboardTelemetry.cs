using System.Net;
using System.Text.Json;

namespace FlashSale.Tests.Aspire;

// The Aspire dashboard's telemetry API (spans and logs as OTLP JSON), read with the tests' dashboard API key.
public sealed class DashboardTelemetry(Uri dashboard) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = dashboard,
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { { "x-api-key", AspireStack.DashboardApiKey } },
    };

    // kind: "spans" or "logs".
    public async Task<JsonDocument> ReadAsync(string kind)
    {
        using var reply = await _http.GetAsync(new Uri($"/api/telemetry/{kind}?limit=5000", UriKind.Relative));
        var body = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.StatusCode == HttpStatusCode.OK, $"/api/telemetry/{kind} answered {(int)reply.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    public void Dispose() => _http.Dispose();

    public static string Trace(JsonElement span) => span.GetProperty("traceId").GetString()!;

    public static string LogBody(JsonElement log) =>
        log.GetProperty("body") is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("stringValue", out var text) ? text.GetString() ?? "" : "";

    // Every JSON object, at any depth, that has the given property.
    public static IEnumerable<JsonElement> Objects(JsonElement element, string property)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(property, out _))
            {
                yield return element;
            }

            foreach (var child in element.EnumerateObject().SelectMany(p => Objects(p.Value, property)))
            {
                yield return child;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in element.EnumerateArray().SelectMany(item => Objects(item, property)))
            {
                yield return child;
            }
        }
    }
}
