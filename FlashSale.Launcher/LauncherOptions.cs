using System.Globalization;

namespace FlashSale.Launcher;

/// <summary>The launcher's command line. Port 0 picks a free port.</summary>
internal sealed record LauncherOptions
{
    public const string Usage = """
        Runs FlashSale on this machine without Docker: PostgreSQL, Redis, Prometheus (and Grafana when
        grafana-server is installed) as child processes, and API replicas behind a proxy.

        Usage: dotnet FlashSale.Launcher.dll [options]
          --port N              the proxy, where the API is served (default 8080)
          --replicas N          API replicas behind the proxy (default 2)
          --data DIR            data and logs, kept between runs (default .flashsale in the repository)
          --clean               delete the data folder first: start with empty databases
          --prometheus-port N   Prometheus (default 9090)
          --grafana-port N      Grafana, when installed (default 3000)
          --postgres-port N     PostgreSQL (default 15432)
          --redis-port N        Redis (default 16379)
          -h, --help            this text
        Every port is on 127.0.0.1; 0 picks a free one. The API's settings come from FlashSale__* environment
        variables (e.g. FlashSale__ItemsPerSale=500), which every replica receives. Ctrl-C stops everything.
        """;

    public int ProxyPort { get; init; } = 8080;

    public int Replicas { get; init; } = 2;

    public string DataDirectory { get; init; } = DataFolder.DefaultPath();

    public bool Clean { get; init; }

    public int PrometheusPort { get; init; } = 9090;

    public int GrafanaPort { get; init; } = 3000;

    public int PostgresPort { get; init; } = 15432;

    public int RedisPort { get; init; } = 16379;

    public bool Help { get; init; }

    /// <summary>Parses "--name value" and "--name=value"; an error names the bad argument.</summary>
    public static LauncherOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LauncherOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            string Value() => inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value"));
            options = name switch
            {
                "-h" or "--help" => options with { Help = true },
                "--clean" => options with { Clean = true },
                "--data" => options with { DataDirectory = Path.GetFullPath(Value()) },
                "--replicas" => options with { Replicas = Number(name, Value(), 1, 64) },
                "--port" => options with { ProxyPort = Port(name, Value()) },
                "--prometheus-port" => options with { PrometheusPort = Port(name, Value()) },
                "--grafana-port" => options with { GrafanaPort = Port(name, Value()) },
                "--postgres-port" => options with { PostgresPort = Port(name, Value()) },
                "--redis-port" => options with { RedisPort = Port(name, Value()) },
                _ => throw new UsageException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    private static int Port(string name, string value) => Number(name, value, 0, 65535);

    private static int Number(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new UsageException($"{name} takes a number from {min} to {max} (got '{value}')");
}
