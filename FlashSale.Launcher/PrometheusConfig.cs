using System.Text.Json;

namespace FlashSale.Launcher;

/// <summary>
/// The repository's prometheus.yml and rules, copied (at build) beside the launcher and (at start) into the data
/// folder, with a targets file of the launcher's own: one target per replica, found through the configuration's
/// file_sd_configs (targets/*.json beside the configuration). The repository's prometheus/targets/ belong to the
/// Aspire mode and are never read here.
/// </summary>
internal static class PrometheusConfig
{
    private const string ConfigFileName = "prometheus.yml";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static string Source => Path.Combine(AppContext.BaseDirectory, "monitoring", "prometheus");

    /// <summary>Writes a fresh copy of the configuration (and no target yet) and returns the path of its prometheus.yml.</summary>
    public static string Prepare(DataFolder data)
    {
        var sourceFile = Path.Combine(Source, ConfigFileName);
        if (!File.Exists(sourceFile))
        {
            throw new LaunchException(
                $"{sourceFile} is missing: the build copies the repository's prometheus/ folder there (dotnet build FlashSale.Launcher).");
        }

        var config = data.PrometheusConfig;
        if (Directory.Exists(config))
        {
            Directory.Delete(config, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(config, "targets"));
        File.Copy(sourceFile, Path.Combine(config, ConfigFileName));
        CopyDirectory(Path.Combine(Source, "rules"), Path.Combine(config, "rules"));
        WriteTargets(data, []);
        return Path.Combine(config, ConfigFileName);
    }

    /// <summary>Replaces the targets file at once (rename), so Prometheus never reads half of it.</summary>
    public static void WriteTargets(DataFolder data, IEnumerable<ApiReplica> replicas)
    {
        var groups = replicas.Select(replica => new TargetGroup(
            [$"127.0.0.1:{replica.Port}"],
            new Dictionary<string, string> { ["replica"] = replica.Name }));
        var file = Path.Combine(data.PrometheusConfig, "targets", "flashsale.json");
        File.WriteAllText(file + ".new", JsonSerializer.Serialize(groups, Json));
        File.Move(file + ".new", file, overwrite: true);
    }

    private static void CopyDirectory(string source, string destination)
    {
        if (!Directory.Exists(source))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    private sealed record TargetGroup(string[] Targets, Dictionary<string, string> Labels);
}
