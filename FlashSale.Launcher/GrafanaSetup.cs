using FlashSale.LocalServers;

namespace FlashSale.Launcher;

/// <summary>
/// Grafana is optional: it starts when grafana-server is installed, with the repository's provisioning (copied
/// beside the launcher at build) and its datasource pointed at the launcher's Prometheus. Otherwise, or when it
/// fails to start, the stack runs without it and the ready report says why.
/// </summary>
internal static class GrafanaSetup
{
    private static string Source => Path.Combine(AppContext.BaseDirectory, "monitoring", "grafana");

    public static async Task<(GrafanaServer? Server, string? Problem)> TryStartAsync(
        DataFolder data, int port, Uri prometheus, CancellationToken cancellationToken)
    {
        try
        {
            Binaries.GrafanaServer();
        }
        catch (MissingBinaryException e)
        {
            return (null, e.Message);
        }

        var provisioning = Path.Combine(Source, "config", "provisioning");
        try
        {
            var server = await GrafanaServer.StartAsync(new GrafanaServerOptions
            {
                DataDirectory = data.Grafana,
                ProvisioningDirectory = Directory.Exists(provisioning) ? provisioning : null,
                Port = port,
                LogFile = data.Log("grafana"),
                Environment = new Dictionary<string, string>
                {
                    ["PROMETHEUS_URL"] = prometheus.ToString().TrimEnd('/'),
                    ["GRAFANA_DASHBOARDS_PATH"] = Path.Combine(Source, "dashboards"),
                },
            }, cancellationToken);
            return (server, null);
        }
        catch (ServerStartException e)
        {
            return (null, $"it did not start ({e.Message.Split('\n')[0]}); see {data.Log("grafana")}");
        }
    }
}
