using System.Diagnostics;
using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace FlashSale.Api.Telemetry;

// Latency and errors of every Redis command or script, and the connection's saturation.
public sealed class RedisMetrics
{
    public const string MeterName = "FlashSale.Redis";

    // Every command and script FlashSale sends; their error counters start at zero.
    public static readonly string[] KnownCommands =
        ["checkout_hold", "release_hold", "purchase_committed", "rebuild_sale", "lock_acquire", "lock_release", "GET", "DEL", "EXISTS", "PING"];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;

    public RedisMetrics(IMeterFactory meterFactory, IConnectionMultiplexer redis)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.SecondsHistogram("redis_command_duration_seconds", "Duration of Redis commands in seconds", Instruments.RedisBuckets);
        _errors = meter.CreateCounter<long>("redis_command_errors_total", description: "Redis commands that failed");
        foreach (var command in KnownCommands)
        {
            _errors.Add(0, new TagList { { "command", command } });
        }
        meter.CreateObservableGauge("redis_connections_active",
            () => redis.GetServers().Count(server => server.IsConnected),
            description: "Redis servers the service is connected to");
        meter.CreateObservableGauge("redis_commands_pending",
            () => redis.GetCounters().TotalOutstanding,
            description: "Redis commands sent or queued and not yet answered");
    }

    public void RecordCommand(string command, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList { { "command", command } };
        _duration.Record(elapsed.TotalSeconds, tags);
        if (failed)
        {
            _errors.Add(1, tags);
        }
    }
}
