namespace FlashSale.Api.Sales;

public sealed record Sale(long Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int TotalItems, int MaxItemsPerUser)
{
    public bool IsOpenAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

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
