using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// All shoppers arrive at the sale's start and buy until the stock is gone, the limit refuses them, or the
// time limit: each keeps buying items it believes free, the hot fifth first.
public static class RushScenario
{
    public static async Task RunAsync(ScenarioContext context)
    {
        var stock = new StockView(context.RequiredSale.TotalItems);
        var stop = context.BeginMeasuring();
        await ScenarioContext.RunWorkersAsync(context.Options.Shoppers, async (shopper, token) =>
        {
            var random = new Random(context.Options.Seed * 1_000_003 + shopper);
            var target = context.TargetOf(shopper);
            var user = $"rush-{shopper}";
            while (!token.IsCancellationRequested)
            {
                if (await ShopperSteps.BuyOneAsync(context, stock, target, user, random, token) == ShopperSteps.Outcome.Done)
                {
                    return;
                }
            }
        }, stop);
    }
}
