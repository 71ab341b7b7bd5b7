using System.Diagnostics;
using FlashSale.LocalServers;

namespace FlashSale.Launcher;

/// <summary>
/// Everything the launcher runs: PostgreSQL, Redis, Prometheus and Grafana (the same LocalServers code the test
/// fixtures use), the API replicas and the proxy. Disposing it stops what was started, in the reverse order:
/// the proxy, the replicas, Prometheus and Grafana, Redis, PostgreSQL.
/// </summary>
internal sealed class LocalStack(LauncherOptions options, DataFolder data) : IAsyncDisposable
{
    public const string DatabaseName = "flashsale";

    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<ApiReplica> _replicas = [];

    public DataFolder Data => data;

    public PostgresServer? Postgres { get; private set; }

    public RedisServer? Redis { get; private set; }

    public PrometheusServer? Prometheus { get; private set; }

    public GrafanaServer? Grafana { get; private set; }

    /// <summary>Why Grafana does not run, when it does not.</summary>
    public string? GrafanaProblem { get; private set; }

    public ReplicaProxy? Proxy { get; private set; }

    public IReadOnlyList<ApiReplica> Replicas
    {
        get
        {
            lock (_gate)
            {
                return [.. _replicas.OrderBy(replica => replica.Name.Length).ThenBy(replica => replica.Name, StringComparer.Ordinal)];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var prometheusConfig = PrometheusConfig.Prepare(data);
        Console.WriteLine("Starting PostgreSQL, Redis, Prometheus" + (GrafanaServer.IsInstalled ? " and Grafana..." : "..."));
        await Task.WhenAll(
            StartPostgresAsync(cancellationToken),
            StartRedisAsync(cancellationToken),
            StartMonitoringAsync(prometheusConfig, cancellationToken));

        Console.WriteLine($"Starting {options.Replicas} API replica(s)...");
        await Task.WhenAll(Enumerable.Range(1, options.Replicas).Select(i => StartReplicaAsync($"api-{i}", cancellationToken)));
        PrometheusConfig.WriteTargets(data, Replicas);
        Proxy = await ReplicaProxy.StartAsync(options.ProxyPort, Replicas, cancellationToken);
    }

    /// <summary>
    /// Reports every replica or server that exits on its own, until a stop is requested (exit code 0) or no replica
    /// is left to serve (exit code 1).
    /// </summary>
    public async Task<int> WatchAsync(CancellationToken stopRequested)
    {
        var reported = new HashSet<string>();
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopRequested))
            {
                foreach (var replica in Replicas.Where(replica => !replica.IsRunning && reported.Add(replica.Name)))
                {
                    Console.Error.WriteLine(
                        $"{replica.Name} (pid {replica.ProcessId}) exited with code {replica.ExitCode}; the proxy sends its share to the others.\n"
                        + await replica.DescribeOutputAsync());
                }

                foreach (var (name, running) in Servers().Where(server => !server.Running && reported.Add(server.Name)))
                {
                    Console.Error.WriteLine($"{name} exited on its own; see {data.Log(name.ToLowerInvariant())}");
                }

                if (Replicas.All(replica => !replica.IsRunning))
                {
                    Console.Error.WriteLine("No API replica is left: stopping.");
                    return 1;
                }
            }
        }
        catch (OperationCanceledException) when (stopRequested.IsCancellationRequested)
        {
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        var started = Stopwatch.GetTimestamp();
        if (Proxy is not null)
        {
            await StepAsync("the proxy", Proxy.StopAsync);
            await Proxy.DisposeAsync();
        }

        var replicas = Replicas;
        if (replicas.Count > 0)
        {
            await StepAsync(string.Join(", ", replicas.Select(replica => replica.Name)), () => Task.WhenAll(replicas.Select(StopAsync)));
        }

        if (Prometheus is not null || Grafana is not null)
        {
            await StepAsync(Grafana is null ? "Prometheus" : "Prometheus and Grafana", () => Task.WhenAll(StopAsync(Grafana), StopAsync(Prometheus)));
        }

        if (Redis is not null)
        {
            await StepAsync("Redis", () => StopAsync(Redis));
        }

        if (Postgres is not null)
        {
            await StepAsync("PostgreSQL", () => StopAsync(Postgres));
        }

        Console.WriteLine($"Stopped everything in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s.");
    }

    private async Task StartPostgresAsync(CancellationToken cancellationToken)
    {
        Postgres = await PostgresServer.StartAsync(new PostgresServerOptions
        {
            DataDirectory = data.Postgres,
            Port = options.PostgresPort,
            LogFile = data.Log("postgresql"),
        }, cancellationToken);
        await Postgres.CreateDatabaseAsync(DatabaseName, cancellationToken);
    }

    private async Task StartRedisAsync(CancellationToken cancellationToken) =>
        Redis = await RedisServer.StartAsync(new RedisServerOptions
        {
            DataDirectory = data.Redis,
            Port = options.RedisPort,
            LogFile = data.Log("redis"),
        }, cancellationToken);

    // Grafana needs Prometheus's address, so it starts once Prometheus is ready.
    private async Task StartMonitoringAsync(string prometheusConfig, CancellationToken cancellationToken)
    {
        Prometheus = await PrometheusServer.StartAsync(new PrometheusServerOptions
        {
            ConfigFile = prometheusConfig,
            DataDirectory = data.PrometheusData,
            Port = options.PrometheusPort,
            LogFile = data.Log("prometheus"),
        }, cancellationToken);

        (Grafana, GrafanaProblem) = await GrafanaSetup.TryStartAsync(data, options.GrafanaPort, Prometheus.Url, cancellationToken);
    }

    private async Task StartReplicaAsync(string name, CancellationToken cancellationToken)
    {
        var replica = await ApiReplica.StartAsync(
            name, Postgres!.ConnectionStringFor(DatabaseName), Redis!.ConnectionString, data.Log(name), cancellationToken);
        lock (_gate)
        {
            _replicas.Add(replica);
        }
    }

    private IEnumerable<(string Name, bool Running)> Servers()
    {
        if (Postgres is not null)
        {
            yield return ("PostgreSQL", Postgres.IsRunning);
        }

        if (Redis is not null)
        {
            yield return ("Redis", Redis.IsRunning);
        }

        if (Prometheus is not null)
        {
            yield return ("Prometheus", Prometheus.IsRunning);
        }

        if (Grafana is not null)
        {
            yield return ("Grafana", Grafana.IsRunning);
        }
    }

    // Each part is stopped with its own signal and killed when it takes longer than 15 s.
    private static Task StopAsync(IAsyncDisposable? part) => part is null ? Task.CompletedTask : part.DisposeAsync().AsTask();

    // A failure to stop one part must not keep the others running.
    private static async Task StepAsync(string what, Func<Task> stop)
    {
        Console.WriteLine($"Stopping {what}...");
        try
        {
            await stop();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Stopping {what} failed: {e.Message}");
        }
    }
}
