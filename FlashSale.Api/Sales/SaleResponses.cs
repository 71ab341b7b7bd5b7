namespace FlashSale.Api.Sales;

public sealed record SaleResponse(
    long Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int TotalItems, int ItemsSold, int ItemsHeld, int ItemsAvailable)
{
    public static SaleResponse From(Sale sale, int sold, int held) =>
        new(sale.Id, sale.StartsAt, sale.EndsAt, sale.TotalItems, sold, held, Math.Max(0, sale.TotalItems - sold - held));
}

public sealed record ItemResponse(string Id, string Name, string ImageUrl, string Status)
{
    public static ItemResponse From(SaleItem item) => new(item.Id.ToString(), item.Name, item.ImageUrl, item.Sold ? "sold" : "available");
}

public sealed record ItemPageResponse(IReadOnlyList<ItemResponse> Items, string? Next);

public sealed record CreateSaleRequest(int? TotalItems, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);
