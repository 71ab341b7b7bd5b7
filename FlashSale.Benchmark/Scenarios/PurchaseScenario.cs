using System.Collections.Concurrent;
using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// Purchases only: every item is checked out first (not measured), then the codes are redeemed as fast as the
// connections allow.
public static class PurchaseScenario
{
    public static async Task RunAsync(ScenarioContext context)
    {
        var sale = context.RequiredSale;
        var codes = new ConcurrentQueue<string>();
        var next = -1;
        await ScenarioContext.RunWorkersAsync(context.Options.Connections, async (worker, token) =>
        {
            var target = context.TargetOf(worker);
            int index;
            while ((index = Interlocked.Increment(ref next)) < sale.TotalItems)
            {
                var hold = await context.Shop.CheckoutAsync(target, $"purchase-{index / 10}", ScenarioContext.ItemId(sale, index), token);
                if (hold.Ok)
                {
                    codes.Enqueue(hold.Value!.Code);
                }
            }
        }, context.Cancellation);

        var stop = context.BeginMeasuring();
        await ScenarioContext.RunWorkersAsync(context.Options.Connections, async (worker, token) =>
        {
            var target = context.TargetOf(worker);
            while (!token.IsCancellationRequested && codes.TryDequeue(out var code))
            {
                await context.Shop.PurchaseAsync(target, code, CancellationToken.None);
                context.CheckSoldOut();
            }
        }, stop);
    }
}
