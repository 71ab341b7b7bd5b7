using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// The steps a buying shopper repeats in rush and mixed: pick an item believed free, check it out, buy it,
// and on item_reserved / item_sold try another.
public static class ShopperSteps
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    public enum Outcome
    {
        Bought,
        TryAnother,
        NothingLeft,
        Done,
    }

    public static async Task<Outcome> BuyOneAsync(ScenarioContext context, StockView stock, LoadTarget target, string user, Random random, CancellationToken stop)
    {
        var sale = context.RequiredSale;
        var item = stock.Pick(random);
        if (item < 0)
        {
            if (context.Shop.Recorder.Sold >= sale.TotalItems)
            {
                return Outcome.Done;
            }

            await stock.RefreshAsync(cancellationToken => LoadAvailableAsync(context, target, cancellationToken), RefreshInterval, stop);
            await ScenarioContext.PauseAsync(TimeSpan.FromMilliseconds(100), stop);
            return Outcome.NothingLeft;
        }

        var hold = await context.Shop.CheckoutAsync(target, user, ScenarioContext.ItemId(sale, item), stop);
        if (!hold.Ok)
        {
            switch (hold.Problem)
            {
                case "item_sold" or "item_reserved":
                    stock.Remove(item);
                    return Outcome.TryAnother;
                case "user_limit_reached" or "no_active_sale" or "sale_ended":
                    return Outcome.Done;
                default:
                    await ScenarioContext.PauseAsync(TimeSpan.FromMilliseconds(20), stop);
                    return Outcome.TryAnother;
            }
        }

        // A purchase is idempotent by its code: one lost or refused for an outage is tried again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var receipt = await context.Shop.PurchaseAsync(target, hold.Value!.Code, CancellationToken.None);
            if (receipt.Ok)
            {
                stock.Remove(item);
                context.CheckSoldOut();
                return Outcome.Bought;
            }

            switch (receipt.Problem)
            {
                case "item_sold":
                    stock.Remove(item);
                    return Outcome.TryAnother;
                case "user_limit_reached" or "sale_ended":
                    return Outcome.Done;
                case "code_expired" or "code_not_found":
                    return Outcome.TryAnother;
            }
        }

        return Outcome.TryAnother;
    }

    // The sale's available items, page by page, as a shopper's page would show them.
    public static async Task<IReadOnlyList<int>?> LoadAvailableAsync(ScenarioContext context, LoadTarget target, CancellationToken cancellationToken)
    {
        var sale = context.RequiredSale;
        var available = new List<int>();
        string? after = null;
        do
        {
            var page = await context.Shop.ItemsAsync(target, sale.Id, after, 1000, cancellationToken);
            if (!page.Ok)
            {
                return null;
            }

            available.AddRange(page.Value!.Items.Select(item => int.Parse(item.Id.AsSpan(item.Id.LastIndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture)));
            after = page.Value.Next;
        }
        while (after is not null);

        return available;
    }
}
