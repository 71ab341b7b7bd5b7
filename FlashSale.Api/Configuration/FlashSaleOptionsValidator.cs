using System.Net;
using Microsoft.Extensions.Options;

namespace FlashSale.Api.Configuration;

// Fails the start with a message naming the setting, e.g. "FlashSale:ItemsPerSale must be between 1 and 999999 (got 0)".
public sealed class FlashSaleOptionsValidator : IValidateOptions<FlashSaleOptions>
{
    public const int MaxItemsPerSale = 999_999;

    public ValidateOptionsResult Validate(string? name, FlashSaleOptions options)
    {
        List<string> failures = [];
        Check(failures, options.ItemsPerSale is >= 1 and <= MaxItemsPerSale,
            $"ItemsPerSale must be between 1 and {MaxItemsPerSale} (got {options.ItemsPerSale})");
        Check(failures, options.SaleDuration >= TimeSpan.FromSeconds(10) && options.SaleDuration <= TimeSpan.FromDays(7),
            $"SaleDuration must be between 00:00:10 and 7.00:00:00 (got {options.SaleDuration})");
        Check(failures, options.SaleLeadTime is not { } lead || (lead >= TimeSpan.Zero && lead <= options.SaleDuration),
            $"SaleLeadTime must be between 00:00:00 and SaleDuration ({options.SaleDuration}) (got {options.SaleLeadTime})");
        Check(failures, options.CheckoutHold >= TimeSpan.FromSeconds(1) && options.CheckoutHold <= TimeSpan.FromDays(1),
            $"CheckoutHold must be between 00:00:01 and 1.00:00:00 (got {options.CheckoutHold})");
        Check(failures, options.MaxItemsPerUser is >= 1 and <= 1000,
            $"MaxItemsPerUser must be between 1 and 1000 (got {options.MaxItemsPerUser})");
        Check(failures, string.IsNullOrWhiteSpace(options.AdminApiKey) || options.AdminApiKey.Trim().Length >= 8,
            "AdminApiKey must be at least 8 characters when set");
        Check(failures, !string.IsNullOrWhiteSpace(options.RedisKeyPrefix) && !options.RedisKeyPrefix.Contains(' ', StringComparison.Ordinal),
            "RedisKeyPrefix must be a non-empty word");
        Check(failures, options.BatchWindow >= TimeSpan.Zero && options.BatchWindow <= TimeSpan.FromMilliseconds(100),
            $"BatchWindow must be between 00:00:00 and 00:00:00.1 (got {options.BatchWindow})");
        Check(failures, options.MaxBatchSize is >= 1 and <= 10_000,
            $"MaxBatchSize must be between 1 and 10000 (got {options.MaxBatchSize})");
        Check(failures, options.DrainDelay >= TimeSpan.Zero && options.DrainDelay <= TimeSpan.FromSeconds(20),
            $"DrainDelay must be between 00:00:00 and 00:00:20 (got {options.DrainDelay})");

        var rateLimit = options.RateLimit;
        Check(failures, rateLimit.PerClient is >= 0 and <= 1_000_000,
            $"RateLimit:PerClient must be between 0 (off) and 1000000 (got {rateLimit.PerClient})");
        Check(failures, rateLimit.PerUser is >= 0 and <= 1_000_000,
            $"RateLimit:PerUser must be between 0 (off) and 1000000 (got {rateLimit.PerUser})");
        Check(failures, rateLimit.Window >= TimeSpan.FromMilliseconds(100) && rateLimit.Window <= TimeSpan.FromHours(1),
            $"RateLimit:Window must be between 00:00:00.1 and 01:00:00 (got {rateLimit.Window})");
        foreach (var proxy in rateLimit.TrustedProxies)
        {
            Check(failures, IPAddress.TryParse(proxy, out _), $"RateLimit:TrustedProxies must be IP addresses (got \"{proxy}\")");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, bool holds, string message)
    {
        if (!holds)
        {
            failures.Add($"{FlashSaleOptions.SectionName}:{message}");
        }
    }
}
