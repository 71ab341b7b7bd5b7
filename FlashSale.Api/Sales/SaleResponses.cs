namespace FlashSale.Api.Sales;

// Counts as a shopper can use them: once a sale has ended nothing is held or available any more, and what
// was not sold is said as unsold (0 until then).
public sealed record SaleResponse(
    long Id, SaleState State, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    int TotalItems, int ItemsSold, int ItemsHeld, int ItemsAvailable, int ItemsUnsold)
{
    public static SaleResponse From(Sale sale, int sold, int held, DateTimeOffset now)
    {
        var state = sale.StateAt(now);
        return state == SaleState.Ended
            ? new(sale.Id, state, sale.StartsAt, sale.EndsAt, sale.TotalItems, sold, 0, 0, sale.TotalItems - sold)
            : new(sale.Id, state, sale.StartsAt, sale.EndsAt, sale.TotalItems, sold, held, Math.Max(0, sale.TotalItems - sold - held), 0);
    }
}

// Newest first; pass `next` as `after` for the following page (null on the last one).
public sealed record SalePageResponse(IReadOnlyList<SaleResponse> Sales, long? Next);

// Status: sold, held (a shopper's checkout holds it) or available (neither: it can be checked out now).
public sealed record ItemResponse(string Id, string Name, string ImageUrl, string Status)
{
    public static ItemResponse From(SaleItem item) =>
        new(item.Id.ToString(), item.Name, item.ImageUrl, item.Sold ? "sold" : item.Held ? "held" : "available");
}

public sealed record ItemPageResponse(IReadOnlyList<ItemResponse> Items, string? Next);

public sealed record CreateSaleRequest(int? TotalItems, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null);
