using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.ServiceDefaults.Health;

// The health document of the monitoring design, with .NET's nearest equivalents of Go's runtime figures:
// memory.alloc = live managed heap, total_alloc = bytes allocated since start, sys = working set,
// num_gc = garbage collections (gen 0 counts every collection), goroutines = thread-pool threads.
public static class HealthDocument
{
    public const string AppCheckName = "app";
    public const string DatabaseCheckName = "database";
    public const string RedisCheckName = "redis";
    public const string LiveTag = "live";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var document = Create(report, DateTimeOffset.UtcNow - Process.GetCurrentProcess().StartTime.ToUniversalTime());
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, document, HealthJsonContext.Default.HealthData, context.RequestAborted);
    }

    public static HealthData Create(HealthReport report, TimeSpan uptime) => new(
        new ServicesStatus(
            AppStatusOf(report),
            StatusOf(report, DatabaseCheckName),
            StatusOf(report, RedisCheckName)),
        FormatUptime(uptime),
        new MemoryMetrics(
            GC.GetTotalMemory(forceFullCollection: false),
            GC.GetTotalAllocatedBytes(precise: false),
            Environment.WorkingSet,
            GC.CollectionCount(0)),
        ThreadPool.ThreadCount);

    // The app is up when its own checks pass: every check but the two dependencies' (a warm-up still running is the app
    // not being ready yet).
    public static string AppStatusOf(HealthReport report) =>
        StatusOf(report, AppCheckName) == "up"
        && report.Entries.Where(e => e.Key is not (DatabaseCheckName or RedisCheckName)).All(e => e.Value.Status == HealthStatus.Healthy)
            ? "up" : "down";

    public static string StatusOf(HealthReport report, string checkName) =>
        report.Entries.TryGetValue(checkName, out var entry) && entry.Status == HealthStatus.Healthy ? "up" : "down";

    // Go's time.Duration.String() style, as in the design ("1h2m3s").
    public static string FormatUptime(TimeSpan uptime)
    {
        var whole = TimeSpan.FromSeconds(Math.Floor(Math.Max(0, uptime.TotalSeconds)));
        return whole.TotalHours >= 1
            ? $"{(int)whole.TotalHours}h{whole.Minutes}m{whole.Seconds}s"
            : whole.TotalMinutes >= 1 ? $"{whole.Minutes}m{whole.Seconds}s" : $"{whole.Seconds}s";
    }
}

public sealed record HealthData(
    ServicesStatus ServicesStatus,
    string Uptime,
    MemoryMetrics Memory,
    [property: JsonPropertyName("goroutines")] int Goroutines);

public sealed record ServicesStatus(string App, string Database, string Redis);

public sealed record MemoryMetrics(long Alloc, long TotalAlloc, long Sys, int NumGc);

// The health document's JSON, written by generated code (no reflection, so services can be compiled ahead of time).
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HealthData))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
