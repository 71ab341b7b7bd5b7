using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace FlashSale.AppHost;

// The AppHost's own settings, section "Stack" (command line --Stack:Replicas=3 or environment Stack__Replicas=3).
// TestAlertDelay (a Prometheus duration such as 5s) is for tests only: every alert's for: and Alertmanager's
// group_wait and group_interval become it, so a fault reaches the receiver within seconds; the repository's values
// are the production ones. ApiExecutable runs the replicas from a published FlashSale.Api executable (e.g. compiled with
// Native AOT) instead of the solution's build.
public sealed partial record StackSettings(
    Substrate Substrate, int Replicas, int Port, string DataDirectory, bool Clean, string? TestAlertDelay, string? ApiExecutable)
{
    public const string Section = "Stack";
    public const int MaxReplicas = 16;

    public static StackSettings Read(IConfiguration configuration, string appHostDirectory)
    {
        var section = configuration.GetSection(Section);
        var substrate = section["Substrate"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => SubstrateDetection.Detect(configuration["ASPIRE_CONTAINER_RUNTIME"]),
            "containers" => Substrate.Containers,
            "executables" => Substrate.Executables,
            var other => throw new StackException($"{Section}:Substrate is '{other}': use auto, containers or executables."),
        };
        var replicas = Integer(section, "Replicas", 2, 1, MaxReplicas);
        var port = Integer(section, "Port", 8080, 0, 65535);
        var dataDirectory = section["DataDirectory"] is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : Path.GetFullPath(Path.Combine(appHostDirectory, "..", ".flashsale"));
        var clean = section["Clean"] is { Length: > 0 } text
            ? bool.TryParse(text, out var value) ? value : throw new StackException($"{Section}:Clean is '{text}': use true or false.")
            : false;
        var alertDelay = section["TestAlertDelay"] is { Length: > 0 } delay
            ? substrate == Substrate.Executables && Duration().IsMatch(delay)
                ? delay
                : throw new StackException($"{Section}:TestAlertDelay is '{delay}': use a duration such as 5s, with {Section}:Substrate=executables.")
            : null;
        var apiExecutable = section["ApiExecutable"] is { Length: > 0 } executable
            ? File.Exists(executable)
                ? Path.GetFullPath(executable)
                : throw new StackException($"{Section}:ApiExecutable is '{executable}': no such file (publish FlashSale.Api there first).")
            : null;
        return new StackSettings(substrate, replicas, port, dataDirectory, clean, alertDelay, apiExecutable);
    }

    [GeneratedRegex("^[1-9][0-9]*(ms|s|m)$")]
    private static partial Regex Duration();

    private static int Integer(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StackException($"{Section}:{key} is '{text}': use a whole number from {min} to {max}.");
    }
}
