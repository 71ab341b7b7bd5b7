using FlashSale.AppHost.Storage;

namespace FlashSale.AppHost.Monitoring;

// A broken monitoring configuration stops the start in one line naming it, before anything starts (otherwise
// Prometheus or Alertmanager would exit after the rest came up): promtool checks prometheus.yml with the rule files
// it lists, amtool the Alertmanager configuration. Where the tools are not installed (a machine with containers
// only) the check is left to the test suite, which runs both on every file.
public static class MonitoringConfigCheck
{
    public static void Run(MonitoringSources sources)
    {
        Check("promtool", ["check", "config", sources.PrometheusConfig], sources.PrometheusConfig);
        Check("amtool", ["check-config", sources.AlertmanagerConfig], sources.AlertmanagerConfig);
    }

    private static void Check(string tool, string[] arguments, string file)
    {
        if (LocalPrograms.Find(tool) is not { } program)
        {
            return;
        }

        var (exitCode, report) = LocalPrograms.Run(program, arguments);
        if (exitCode != 0)
        {
            throw new StackException($"{file} is not a valid configuration ({tool}): {Reason(report)}");
        }
    }

    // The first failure the tool names: the text after its "FAILED:", or the line below it.
    private static string Reason(string report)
    {
        var lines = report.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var failed = Array.FindIndex(lines, line => line.Contains("FAILED", StringComparison.Ordinal));
        if (failed < 0)
        {
            return lines.LastOrDefault() ?? "it exited with an error";
        }

        var after = lines[failed][(lines[failed].IndexOf("FAILED", StringComparison.Ordinal) + "FAILED".Length)..].TrimStart(':', ' ');
        return after.Length > 0 || failed + 1 == lines.Length ? after : lines[failed + 1];
    }
}
