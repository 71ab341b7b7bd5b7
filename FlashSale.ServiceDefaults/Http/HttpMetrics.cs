using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlashSale.ServiceDefaults.Http;

// The golden signals of the monitoring design: latency and traffic per route template.
public sealed class HttpMetrics
{
    public const string MeterName = "FlashSale.Http";

    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _requests;

    public HttpMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram(
            "http_request_duration_seconds",
            unit: null,
            description: "Duration of HTTP requests in seconds",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _requests = meter.CreateCounter<long>("http_requests_total", description: "Total number of HTTP requests");
    }

    public void Record(string handler, string method, int statusCode, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "handler", handler },
            { "method", method },
            { "status_code", StatusCodeLabel(statusCode) },
        };
        _duration.Record(elapsed.TotalSeconds, tags);
        _requests.Add(1, tags);
    }

    private static string StatusCodeLabel(int statusCode) => statusCode switch
    {
        200 => "200",
        201 => "201",
        400 => "400",
        401 => "401",
        404 => "404",
        409 => "409",
        410 => "410",
        500 => "500",
        503 => "503",
        _ => statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
