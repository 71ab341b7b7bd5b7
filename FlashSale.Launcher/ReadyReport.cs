namespace FlashSale.Launcher;

/// <summary>The block printed once everything is healthy: every address, then the line tests and scripts wait for.</summary>
internal static class ReadyReport
{
    public const string ReadyLine = "FlashSale is ready";

    public static void Print(LocalStack stack, TimeSpan startup)
    {
        var api = stack.Proxy!.Url;
        var lines = new List<(string Name, string Value)>
        {
            ("API (proxy)", api.ToString()),
            ("API reference", new Uri(api, "scalar").ToString()),
            ("OpenAPI document", new Uri(api, "openapi/v1.json").ToString()),
            ("Health", new Uri(api, "health").ToString()),
        };
        lines.AddRange(stack.Replicas.Select(replica => ($"Replica {replica.Name}", $"{replica.Url} (pid {replica.ProcessId})")));
        lines.Add(("Prometheus", stack.Prometheus!.Url.ToString()));
        lines.Add(("Grafana", stack.Grafana?.Url.ToString() ?? $"not started: {stack.GrafanaProblem}"));
        lines.Add(("PostgreSQL", stack.Postgres!.ConnectionStringFor(LocalStack.DatabaseName)));
        lines.Add(("Redis", stack.Redis!.ConnectionString));
        lines.Add(("Data", stack.Data.Root));
        lines.Add(("Logs", stack.Data.Logs));

        var width = lines.Max(line => line.Name.Length) + 2;
        Console.WriteLine();
        foreach (var (name, value) in lines)
        {
            Console.WriteLine($"  {name.PadRight(width)}{value}");
        }

        Console.WriteLine();
        Console.WriteLine($"{ReadyLine} (started in {startup.TotalSeconds:0.0} s). Press Ctrl-C to stop.");
    }
}
