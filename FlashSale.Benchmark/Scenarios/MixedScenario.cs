using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// A crowd of three kinds for the whole duration: aggressive buyers (no think time, buy until the limit),
// normal buyers (look at the sale and a page of items, think, buy one, think, up to three items) and
// browsers (refresh the sale and a page of items every second or two, never buy).
public static class MixedScenario
{
    public static async Task RunAsync(ScenarioContext context)
    {
        var sale = context.RequiredSale;
        var stock = new StockView(sale.TotalItems);
        var stop = context.BeginMeasuring();
        await ScenarioContext.RunWorkersAsync(context.Options.Shoppers, async (shopper, token) =>
        {
            var random = new Random(context.Options.Seed * 1_000_003 + shopper);
            var target = context.TargetOf(shopper);
            var user = $"mixed-{shopper}";
            switch (context.Options.Mix.ProfileOf(shopper))
            {
                case Profile.Aggressive:
                    while (!token.IsCancellationRequested
                        && await ShopperSteps.BuyOneAsync(context, stock, target, user, random, token) != ShopperSteps.Outcome.Done)
                    {
                    }

                    break;
                case Profile.Normal:
                    for (var bought = 0; bought < 3 && !token.IsCancellationRequested;)
                    {
                        await BrowseAsync(context, target, random, token);
                        await ScenarioContext.PauseAsync(Think(random, 500, 2000), token);
                        var outcome = await ShopperSteps.BuyOneAsync(context, stock, target, user, random, token);
                        if (outcome == ShopperSteps.Outcome.Done)
                        {
                            break;
                        }

                        bought += outcome == ShopperSteps.Outcome.Bought ? 1 : 0;
                        await ScenarioContext.PauseAsync(Think(random, 1000, 3000), token);
                    }

                    break;
                default:
                    while (!token.IsCancellationRequested)
                    {
                        await BrowseAsync(context, target, random, token);
                        await ScenarioContext.PauseAsync(Think(random, 1000, 2000), token);
                    }

                    break;
            }
        }, stop);
    }

    private static async Task BrowseAsync(ScenarioContext context, LoadTarget target, Random random, CancellationToken token)
    {
        var sale = context.RequiredSale;
        await context.Shop.CurrentSaleAsync(target, token);
        var after = random.Next(sale.TotalItems) is var start && start > 0 ? ScenarioContext.ItemId(sale, start - 1) : null;
        await context.Shop.ItemsAsync(target, sale.Id, after, 50, token);
    }

    private static TimeSpan Think(Random random, int minMs, int maxMs) => TimeSpan.FromMilliseconds(random.Next(minMs, maxMs));
}
