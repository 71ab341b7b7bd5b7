using System.Net;
using FlashSale.ServiceDefaults.Health;
using FlashSale.ServiceDefaults.Http;
using FlashSale.ServiceDefaults.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

// Shaped like Aspire's service-defaults template (13.6): telemetry, health checks, service discovery and
// resilient HttpClients for every FlashSale service. Unlike the template, the health endpoints are mapped in
// every environment, because FlashSale's health document is part of the product.
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string MetricsEndpointPath = "/metrics";

    // A replica's warm-up sends its GETs through its own pipeline with this header: they are not traced.
    public const string WarmUpHeader = "X-FlashSale-Warm-Up";

    // Meters and activity sources of FlashSale's own code: one per concern, all named "FlashSale.<Concern>".
    public const string FlashSaleTelemetryPrefix = "FlashSale.*";

    private const string ServiceNameVariable = "OTEL_SERVICE_NAME";
    private const string MaxTracesPerSecondSetting = "Telemetry:MaxTracesPerSecond";
    private const string KestrelMemoryPoolMeter = "Microsoft.AspNetCore.MemoryPool";
    private const uint DefaultMaxTracesPerSecond = 10;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddSingleton<HttpMetrics>();
        builder.Services.AddSingleton<RuntimeLimitsMetrics>();

        var openTelemetry = builder.Services.AddOpenTelemetry();

        // Every service names itself: OTEL_SERVICE_NAME when set (Aspire sets it to the resource's name), else the
        // application's name ("FlashSale.Api"), never OpenTelemetry's "unknown_service:dotnet".
        if (string.IsNullOrWhiteSpace(builder.Configuration[ServiceNameVariable]))
        {
            openTelemetry.ConfigureResource(resource =>
                resource.AddService(builder.Environment.ApplicationName, autoGenerateServiceInstanceId: false));
        }

        openTelemetry
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                // Kestrel's buffer pool records on every buffer it rents and returns, several times a request
                // (docs/benchmarks-notes.md); no panel or alert reads it.
                .AddView(instrument => instrument.Meter.Name == KestrelMemoryPoolMeter ? MetricStreamConfiguration.Drop : null)
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(FlashSaleTelemetryPrefix)
                // Histograms keep the trace id of a sampled request as an exemplar: a latency panel leads to its trace.
                .SetExemplarFilter(ExemplarFilterType.TraceBased)
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(tracing => tracing
                .SetSampler(TraceSampler(builder.Configuration))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(FlashSaleTelemetryPrefix)
                .AddAspNetCoreInstrumentation(aspnet =>
                    aspnet.Filter = context => !IsInfrastructurePath(context.Request.Path) && !IsOwnWarmUp(context))
                .AddHttpClientInstrumentation(http =>
                    http.FilterHttpRequestMessage = request => request.RequestUri is not { } uri || !IsInfrastructurePath(uri.AbsolutePath)));

        var useOtlpExporter = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (useOtlpExporter)
        {
            openTelemetry.UseOtlpExporter();
        }

        return builder;
    }

    // Telemetry:MaxTracesPerSecond: new traces recorded per second and process (0: every request is traced).
    private static Sampler TraceSampler(IConfiguration configuration) =>
        configuration.GetValue<uint?>(MaxTracesPerSecondSetting) switch
        {
            0 => new AlwaysOnSampler(),
            var perSecond => new ParentBasedSampler(new TraceBudgetSampler((int)Math.Min(perSecond ?? DefaultMaxTracesPerSecond, int.MaxValue))),
        };

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck(HealthDocument.AppCheckName, () => HealthCheckResult.Healthy(), [HealthDocument.LiveTag]);

        builder.Services.AddSingleton<HealthStatusMetrics>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<HealthStatusMetrics>());
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(1);
            options.Period = TimeSpan.FromSeconds(5);
        });

        return builder;
    }

    // The monitoring design's HTTP metrics (http_requests_total, http_request_duration_seconds): every answer of
    // what comes after this step in the pipeline is counted, refusals included.
    public static WebApplication UseHttpMetrics(this WebApplication app)
    {
        app.UseMiddleware<HttpMetricsMiddleware>();
        return app;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Observable instruments exist from the first scrape only if their owners are created up front.
        app.Services.GetRequiredService<RuntimeLimitsMetrics>();

        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResponseWriter = HealthDocument.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithName("Health").WithTags("Health").WithSummary("Health of the app, PostgreSQL and Redis").WithMetadata(ReadOnly);

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthDocument.LiveTag),
        }).WithName("Alive").WithTags("Health").WithSummary("Liveness probe: no dependency is checked").WithMetadata(ReadOnly);

        app.MapPrometheusScrapingEndpoint(MetricsEndpointPath).WithMetadata(ReadOnly);

        return app;
    }

    // Probes and scrapes read: any other method is refused (405), not answered as if it were a GET.
    private static readonly HttpMethodMetadata ReadOnly = new([HttpMethods.Get, HttpMethods.Head]);

    private static bool IsOwnWarmUp(HttpContext context) =>
        context.Request.Headers.ContainsKey(WarmUpHeader) && context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);

    private static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath)
        || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments(MetricsEndpointPath);
}
