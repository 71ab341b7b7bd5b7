using FlashSale.Api.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FlashSale.AppHost.Api;

// The FlashSale settings every replica gets (section FlashSale, keys relative to it): the stack's defaults, then the
// AppHost's own FlashSale section (settings and environment FlashSale__*). Checked with the replicas' own rules
// before anything starts, so a value every replica would refuse stops the AppHost in the replicas' one line.
public static class ReplicaSettings
{
    // Given to each replica by the AppHost itself (AdminKey).
    private static readonly HashSet<string> SetPerStack = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(FlashSaleOptions.ReplicaName),
        nameof(FlashSaleOptions.AdminApiKey),
    };

    public static IReadOnlyDictionary<string, string> Read(IConfiguration configuration, string? adminKey)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // Rate limiting on, per client behind the gateway (same machine, so loopback is the trusted proxy); the
            // AppHost's own FlashSale:RateLimit settings override these.
            ["RateLimit:PerClient"] = "500",
            ["RateLimit:PerUser"] = "20",
            ["RateLimit:TrustedProxies:0"] = "127.0.0.1",
            ["RateLimit:TrustedProxies:1"] = "::1",
        };
        foreach (var (key, value) in configuration.GetSection(FlashSaleOptions.SectionName).AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && !SetPerStack.Contains(key))
            {
                settings[key] = value;
            }
        }

        Check(settings, adminKey);
        return settings;
    }

    private static void Check(Dictionary<string, string> settings, string? adminKey)
    {
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create($"{FlashSaleOptions.SectionName}:{setting.Key}", (string?)setting.Value)))
            .Build()
            .GetSection(FlashSaleOptions.SectionName);
        var options = new FlashSaleOptions { AdminApiKey = adminKey };
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e) when (StartupFailure.Describe(e) is { } line)
        {
            throw new StackException(line);
        }

        var result = new FlashSaleOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new StackException(StartupFailure.Describe(new OptionsValidationException(Options.DefaultName, typeof(FlashSaleOptions), result.Failures))!);
        }
    }
}
