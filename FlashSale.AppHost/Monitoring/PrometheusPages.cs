using FlashSale.AppHost.Storage;
using System.Text.RegularExpressions;

namespace FlashSale.AppHost.Monitoring;

// Where Prometheus's own pages are: Prometheus 3 serves them at /targets and /alerts; Prometheus 2 also under
// /classic/, and Debian's build of 2.x only there (it ships without the newer interface, whose /targets is a 404).
public sealed partial record PrometheusPages(string Prefix)
{
    public const string Targets = "/targets";
    public const string Alerts = "/alerts";

    public static readonly PrometheusPages Current = new("");

    // Asks the installed program for its version; a 2.x (or one that does not say) gets the /classic/ pages.
    public static PrometheusPages Of(string program)
    {
        try
        {
            var (_, output) = LocalPrograms.Run(program, "--version");
            return Version().Match(output) is { Success: true } match && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3
                ? Current
                : new PrometheusPages("/classic");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new PrometheusPages("/classic");
        }
    }

    public string TargetsOf(string baseUrl) => $"{baseUrl.TrimEnd('/')}{Prefix}{Targets}";

    public string AlertsOf(string baseUrl) => $"{baseUrl.TrimEnd('/')}{Prefix}{Alerts}";

    [GeneratedRegex(@"version (\d+)\.")]
    private static partial Regex Version();
}
