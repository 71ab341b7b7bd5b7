using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Benchmark.Window;

// What the crowd saw at one window's start, in milliseconds from the sale's first instant (negative: before it).
public sealed record WindowFigures(
    long SaleId,
    DateTimeOffset StartsAt,
    double? ListedBeforeStartSeconds,
    int CurrentSaleAnswersAfterStart,
    int CurrentSaleNon200AfterStart,
    double? NewSaleNamedAfterMs,
    double? FirstCheckoutGrantedAfterMs,
    int Checkouts,
    int CheckoutsGranted,
    IReadOnlyDictionary<string, int> CheckoutStatuses,
    double CheckoutP50Ms,
    double CheckoutP99Ms);

// A `window` run's report: every window it watched, on which replicas.
public sealed record WindowReport(string Label, IReadOnlyList<string> Targets, int Connections, IReadOnlyList<WindowFigures> Windows)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, Json, cancellationToken);
    }

    public static async Task<WindowReport> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return (await JsonSerializer.DeserializeAsync<WindowReport>(file, Json, cancellationToken))!;
    }
}
