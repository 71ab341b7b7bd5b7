using System.Text.Json;
using FlashSale.AppHost.Api;

namespace FlashSale.AppHost.Monitoring;

// Prometheus finds the replicas in targets/*.json beside its configuration (file_sd_configs): one target per
// replica, labelled with the replica's name as its instance, so series stay apart and keep their names across runs.
// It finds the servers' exporters in exporters/<job>.json, one job per server, and Alertmanager in alertmanagers/*.json.
public static class PrometheusTargets
{
    public const string FileName = "flashsale.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    // host: how Prometheus reaches this machine (localhost, or host.docker.internal from a container).
    public static async Task WriteAsync(string folder, ApiReplicas api, string host, CancellationToken cancellationToken)
    {
        List<object> groups = [];
        foreach (var replica in api.Replicas)
        {
            var port = await replica.GetEndpoint("http").Property(EndpointProperty.Port).GetValueAsync(cancellationToken);
            var name = replica.Resource.Name;
            groups.Add(new { targets = new[] { $"{host}:{port}" }, labels = new Dictionary<string, string> { ["instance"] = name, ["replica"] = name } });
        }

        await ConfigFiles.WriteAsync(Path.Combine(folder, FileName), JsonSerializer.Serialize(groups, Json), cancellationToken);
    }

    // Each exporter labelled with its job's name as its instance ("postgres", "redis"), whatever port this run gave it.
    public static async Task WriteExportersAsync(string folder, ServerExporters exporters, string host, CancellationToken cancellationToken)
    {
        foreach (var (job, exporter) in exporters.Jobs)
        {
            var port = await exporter.GetEndpoint("http").Property(EndpointProperty.Port).GetValueAsync(cancellationToken);
            object[] groups = [new { targets = new[] { $"{host}:{port}" }, labels = new Dictionary<string, string> { ["instance"] = job } }];
            await ConfigFiles.WriteAsync(Path.Combine(folder, $"{job}.json"), JsonSerializer.Serialize(groups, Json), cancellationToken);
        }
    }

    public static async Task WriteAlertmanagerAsync(string folder, EndpointReference alertmanager, string host, CancellationToken cancellationToken)
    {
        var port = await alertmanager.Property(EndpointProperty.Port).GetValueAsync(cancellationToken);
        object[] groups = [new { targets = new[] { $"{host}:{port}" } }];
        await ConfigFiles.WriteAsync(Path.Combine(folder, FileName), JsonSerializer.Serialize(groups, Json), cancellationToken);
    }
}
