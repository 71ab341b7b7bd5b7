namespace FlashSale.Api.Sales;

public sealed record Sale(long Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int TotalItems, int MaxItemsPerUser)
{
    public bool IsOpenAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    public bool Contains(ItemId item) => item.SaleId == Id && item.Index < TotalItems;
}

public sealed record SaleWindow(DateTimeOffset StartsAt, DateTimeOffset EndsAt);
