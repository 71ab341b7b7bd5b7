using System.Diagnostics;

namespace FlashSale.Api.Telemetry;

// FlashSale's own spans: one source per concern, all matched by the "FlashSale.*" registration in ServiceDefaults.
internal static class ActivitySources
{
    public static readonly ActivitySource Redis = new("FlashSale.Redis");
    public static readonly ActivitySource Storage = new("FlashSale.Storage");
    public static readonly ActivitySource Sales = new("FlashSale.Sales");
}
