using System.Diagnostics;
using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// Checkouts only, as fast as the connections allow: one worker per connection walks the items, ten per user
// (the default limit); after the last item it walks them again with new users, who are refused item_reserved.
// With a rate the same walk is paced instead (open loop): checkout n starts n / rate seconds into the phase
// whether or not the earlier ones were answered, so a slow server meets the same arrivals, not fewer.
public static class CheckoutScenario
{
    public static async Task RunAsync(ScenarioContext context)
    {
        var sale = context.RequiredSale;
        var next = -1L;
        Task CheckoutAsync(LoadTarget target, CancellationToken token)
        {
            var n = Interlocked.Increment(ref next);
            var pass = n / sale.TotalItems;
            var index = (int)(n % sale.TotalItems);
            return context.Shop.CheckoutAsync(target, $"checkout-{pass}-{index / 10}", ScenarioContext.ItemId(sale, index), token);
        }

        var stop = context.BeginMeasuring();
        if (context.Options.Rate is { } rate)
        {
            await PacedAsync(context, rate, CheckoutAsync);
            return;
        }

        await ScenarioContext.RunWorkersAsync(context.Options.Connections, async (worker, token) =>
        {
            var target = context.TargetOf(worker);
            while (!token.IsCancellationRequested)
            {
                await CheckoutAsync(target, token);
            }
        }, stop);
    }

    // Starts request n at n / rate seconds, round robin over the targets, rate × duration of them (fewer only when
    // the run is cancelled), then waits for the answers still in flight.
    private static async Task PacedAsync(ScenarioContext context, double rate, Func<LoadTarget, CancellationToken, Task> request)
    {
        var stop = context.Cancellation; // not the phase's timer, which may fire before the last start or after it
        var started = Stopwatch.GetTimestamp();
        var count = (long)Math.Ceiling(rate * context.Options.Duration.TotalSeconds);
        var inFlight = new HashSet<Task>();
        for (var n = 0L; n < count && !stop.IsCancellationRequested; n++)
        {
            var wait = TimeSpan.FromSeconds(n / rate) - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await ScenarioContext.PauseAsync(wait, stop);
                if (stop.IsCancellationRequested)
                {
                    break;
                }
            }

            inFlight.Add(request(context.TargetOf((int)(n % context.Targets.Count)), context.Cancellation));
            if (inFlight.Count >= 1024)
            {
                inFlight.RemoveWhere(task => task.IsCompleted);
            }
        }

        try
        {
            await Task.WhenAll(inFlight);
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
        }
    }
}
