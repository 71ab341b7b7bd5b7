using System.Net;

namespace FlashSale.Tests.Scenarios;

// The shopper's whole path through a running FlashSale, written once and run against every way of starting
// the stack (in-process hosts, the Aspire AppHost).
public static class ShopperJourney
{
    public static async Task<PurchaseDto> BuyAnAvailableItemAsync(FlashSaleClient api, string userId)
    {
        var sale = (await api.CurrentSaleAsync()).Ok();
        Assert.True(sale.ItemsAvailable > 0, $"Sale {sale.Id} has nothing left to buy");

        var page = (await api.ItemsAsync(sale.Id, "?status=available&limit=50")).Ok();
        Assert.NotEmpty(page.Items);
        Assert.All(page.Items, item =>
        {
            Assert.False(string.IsNullOrWhiteSpace(item.Name));
            Assert.StartsWith("https://", item.ImageUrl, StringComparison.Ordinal);
        });

        var hold = await api.CheckoutFirstFreeAsync(page.Items.Select(item => item.Id), userId);
        var itemId = hold.ItemId;
        Assert.Contains(page.Items, item => item.Id == itemId);
        Assert.Equal(sale.Id, hold.SaleId);
        Assert.Equal(userId, hold.UserId);
        Assert.Matches("^[0-9a-f]{32}$", hold.Code);
        Assert.True(hold.ExpiresAt > DateTimeOffset.UtcNow.AddSeconds(-5));

        var again = (await api.CheckoutAsync(userId, itemId)).Ok();
        Assert.Equal(hold.Code, again.Code);

        var receipt = (await api.PurchaseAsync(hold.Code)).Ok();
        Assert.Equal(itemId, receipt.ItemId);
        Assert.Equal(userId, receipt.UserId);
        Assert.Equal(sale.Id, receipt.SaleId);

        var repeated = (await api.PurchaseAsync(hold.Code)).Ok();
        Assert.Equal(receipt.PurchaseId, repeated.PurchaseId);

        (await api.CheckoutAsync(userId + "-rival", itemId)).Refused(HttpStatusCode.Conflict, "item_sold");

        var mine = (await api.PurchasesOfAsync(userId, sale.Id)).Ok();
        Assert.Contains(mine.Purchases, p => p.PurchaseId == receipt.PurchaseId);

        var sold = (await api.ItemsAsync(sale.Id, "?status=sold&limit=1000")).Ok();
        Assert.Contains(sold.Items, i => i.Id == itemId);
        return receipt;
    }
}
