using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlashSale.Api.Telemetry;

// Query latency and errors of every statement FlashSale runs, and the Npgsql pool's saturation
// (read from Npgsql's own "Npgsql" meter, which is where the pool publishes its counts).
public sealed class DatabaseMetrics : IDisposable
{
    public const string MeterName = "FlashSale.Database";
    public const string PoolName = "flashsale";

    // Every {query_type, table} FlashSale runs: their error counters start at zero, so that an error rate
    // is a series from the first scrape on, not only after the first failure.
    private static readonly (string QueryType, string Table)[] KnownQueries =
    [
        (Storage.QueryTypes.Select, Storage.Tables.Sales),
        (Storage.QueryTypes.Select, Storage.Tables.Items),
        (Storage.QueryTypes.Select, Storage.Tables.Purchases),
        (Storage.QueryTypes.Insert, Storage.Tables.Sales),
        (Storage.QueryTypes.Copy, Storage.Tables.CheckoutAttempts),
        (Storage.QueryTypes.Function, Storage.Tables.CheckoutAttempts),
        (Storage.QueryTypes.Function, Storage.Tables.Purchases),
        (Storage.QueryTypes.Migrate, Storage.Tables.Schema),
        (Storage.QueryTypes.Health, Storage.Tables.None),
    ];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;
    private readonly MeterListener _poolListener = new();
    private readonly Lock _poolLock = new();
    private long _active;
    private long _idle;
    private long _max;

    public DatabaseMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.SecondsHistogram("db_query_duration_seconds", "Duration of database queries in seconds", Instruments.DatabaseBuckets);
        _errors = meter.CreateCounter<long>("db_query_errors_total", description: "Database queries that failed");
        foreach (var (queryType, table) in KnownQueries)
        {
            _errors.Add(0, new TagList { { "query_type", queryType }, { "table", table } });
        }
        meter.CreateObservableGauge("db_connections_active", () => ReadPool().Active, description: "Pooled connections in use");
        meter.CreateObservableGauge("db_connections_idle", () => ReadPool().Idle, description: "Pooled connections idle");
        meter.CreateObservableGauge("db_connections_max", () => ReadPool().Max, description: "Maximum pool size");

        _poolListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name is "db.client.connection.count" or "db.client.connection.max")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _poolListener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnPoolMeasurement(instrument, value, tags));
        _poolListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnPoolMeasurement(instrument, value, tags));
        _poolListener.Start();
    }

    public void RecordQuery(string queryType, string table, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList { { "query_type", queryType }, { "table", table } };
        _duration.Record(elapsed.TotalSeconds, tags);
        if (failed)
        {
            _errors.Add(1, tags);
        }
    }

    public void Dispose() => _poolListener.Dispose();

    // The migrator's short-lived pool is left out: these gauges describe the pool that serves requests.
    private static bool IsServicePool(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "db.client.connection.pool.name")
            {
                return Equals(tag.Value, PoolName);
            }
        }

        return false;
    }

    private (long Active, long Idle, long Max) ReadPool()
    {
        lock (_poolLock)
        {
            _active = _idle = _max = 0;
            _poolListener.RecordObservableInstruments();
            return (_active, _idle, _max);
        }
    }

    private void OnPoolMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!IsServicePool(tags))
        {
            return;
        }

        if (instrument.Name == "db.client.connection.max")
        {
            _max += value;
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == "db.client.connection.state")
            {
                if (Equals(tag.Value, "idle"))
                {
                    _idle += value;
                }
                else
                {
                    _active += value;
                }
            }
        }
    }
}
