using System.Text.Json.Serialization;

namespace FlashSale.Api.Sales;

public sealed record Sale(long Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int TotalItems, int MaxItemsPerUser)
{
    public bool IsOpenAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    public SaleState StateAt(DateTimeOffset now) =>
        now < StartsAt ? SaleState.Upcoming : now < EndsAt ? SaleState.Running : SaleState.Ended;

    public bool Contains(ItemId item) => item.SaleId == Id && item.Index < TotalItems;

    // A hold made at `now` lasts `hold`, cut at the sale's end: no code outlives the sale that can honour it.
    // Whole milliseconds, the precision Redis keeps and the API answers, so every copy of it agrees.
    public DateTimeOffset HoldExpiry(DateTimeOffset now, TimeSpan hold)
    {
        var expiry = now + hold < EndsAt ? now + hold : EndsAt;
        return DateTimeOffset.FromUnixTimeMilliseconds(expiry.ToUnixTimeMilliseconds());
    }
}

public sealed record SaleWindow(DateTimeOffset StartsAt, DateTimeOffset EndsAt);

// Where a sale is in its life on the sale clock: before its window, inside it, after it.
[JsonConverter(typeof(JsonStringEnumConverter<SaleState>))]
public enum SaleState
{
    [JsonStringEnumMemberName("upcoming")]
    Upcoming,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("ended")]
    Ended,
}
