using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// GET /alive as fast as the connections allow: what serving a trivial request costs here, the ceiling the
// real endpoints are compared with.
public static class AliveScenario
{
    public static async Task RunAsync(ScenarioContext context)
    {
        var stop = context.BeginMeasuring();
        await ScenarioContext.RunWorkersAsync(context.Options.Connections, async (worker, token) =>
        {
            var target = context.TargetOf(worker);
            while (!token.IsCancellationRequested)
            {
                await context.Shop.AliveAsync(target, token);
            }
        }, stop);
    }
}
