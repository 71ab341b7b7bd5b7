using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// Checkouts only, as fast as the connections allow: one worker per connection walks the items, ten per user
// (the default limit); after the last item it walks them again with new users, who are refused item_reserved.
public static class CheckoutScenario
{
    public static async Task RunAsync(ScenarioContext context)
    {
        var sale = context.RequiredSale;
        var next = -1L;
        var stop = context.BeginMeasuring();
        await ScenarioContext.RunWorkersAsync(context.Options.Connections, async (worker, token) =>
        {
            var target = context.TargetOf(worker);
            while (!token.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                var pass = n / sale.TotalItems;
                var index = (int)(n % sale.TotalItems);
                await context.Shop.CheckoutAsync(target, $"checkout-{pass}-{index / 10}", ScenarioContext.ItemId(sale, index), token);
            }
        }, stop);
    }
}
