using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Window;

// Watches hourly sales open, the way the crowd meets them, on a stack whose replicas open their own sales
// (AutoStart, short windows): it waits until the next sale is listed as upcoming (noting how long before its start),
// then, from half a second before the start to two seconds after, reads GET /sales/current on every replica every
// 10 ms while `connections` shoppers check out distinct items of the new sale from its first instant, spread over
// the replicas. The server and this tool read the same machine clock.
public static class WindowProbe
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan WatchBefore = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan WatchAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CheckoutFor = TimeSpan.FromSeconds(1);

    public static async Task<IReadOnlyList<WindowFigures>> RunAsync(
        IReadOnlyList<LoadTarget> targets, int connections, int windows, TimeSpan patience, CancellationToken cancellationToken)
    {
        var figures = new List<WindowFigures>();
        await OpenConnectionsAsync(targets, connections, cancellationToken);
        var listedAlready = await UpcomingAsync(targets[0], cancellationToken);
        for (var window = 0; window < windows; window++)
        {
            var (sale, listedBefore) = await NextUpcomingAsync(targets[0], listedAlready?.Id, patience, cancellationToken);
            listedAlready = sale;
            figures.Add(await WatchStartAsync(targets, connections, sale, listedBefore, cancellationToken));
            var last = figures[^1];
            Console.WriteLine($"sale {sale.Id} at {sale.StartsAt:HH:mm:ss.fff}: listed {last.ListedBeforeStartSeconds:0.0} s before; "
                + $"/sales/current non-200 after start {last.CurrentSaleNon200AfterStart} of {last.CurrentSaleAnswersAfterStart}, "
                + $"named after {last.NewSaleNamedAfterMs:0.0} ms; first checkout granted after {last.FirstCheckoutGrantedAfterMs:0.0} ms; "
                + $"{last.CheckoutsGranted} of {last.Checkouts} granted, p99 {last.CheckoutP99Ms:0.0} ms");
        }

        return figures;
    }

    // The shoppers' connections are opened before the first watched start, as a crowd waiting on the sale's page has
    // its own open: every window then times the service's answers, where the first one also timed this tool's
    // connection set-up and its own first calls (the later windows reuse the connections).
    private static Task OpenConnectionsAsync(IReadOnlyList<LoadTarget> targets, int connections, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, connections).Select(async shopper =>
        {
            for (var round = 0; round < 3; round++)
            {
                using var response = await targets[shopper % targets.Count].Client.GetAsync(new Uri("/sales/current", UriKind.Relative), cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }
        }));

    // The next sale listed as upcoming after `previous`, and how long before its start this tool first saw it (null when
    // it was listed before the tool looked).
    private static async Task<(SaleRow Sale, double? ListedBeforeSeconds)> NextUpcomingAsync(
        LoadTarget target, long? previous, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + patience;
        var lookedBefore = previous is not null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var upcoming = await UpcomingAsync(target, cancellationToken);
            if (upcoming is not null && upcoming.Id != previous)
            {
                return (upcoming, lookedBefore ? (upcoming.StartsAt - DateTimeOffset.UtcNow).TotalSeconds : null);
            }

            lookedBefore = true;
            await Task.Delay(PollEvery * 10, cancellationToken);
        }

        throw new InvalidOperationException($"No new upcoming sale was listed within {patience.TotalSeconds:0} s: is AutoStart on?");
    }

    private static async Task<SaleRow?> UpcomingAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        var page = await target.Client.GetFromJsonAsync<SalePage>("/sales?limit=1", ShopClient.Json, cancellationToken);
        return page?.Sales.FirstOrDefault(sale => sale.State == "upcoming");
    }

    private static async Task<WindowFigures> WatchStartAsync(
        IReadOnlyList<LoadTarget> targets, int connections, SaleRow sale, double? listedBefore, CancellationToken cancellationToken)
    {
        await DelayUntilAsync(sale.StartsAt - WatchBefore, cancellationToken);
        var reads = new ConcurrentBag<(double AtMs, int Status, long? SaleId)>();
        var checkouts = new ConcurrentBag<(double SentMs, double TookMs, int Status)>();
        var pollers = targets.Select(target => PollCurrentAsync(target, sale, reads, cancellationToken));
        var shoppers = Enumerable.Range(0, connections).Select(shopper =>
            ShopAsync(targets[shopper % targets.Count], sale, shopper, connections, checkouts, cancellationToken));
        await Task.WhenAll(pollers.Concat(shoppers));

        var afterStart = reads.Where(read => read.AtMs >= 0).ToList();
        var named = afterStart.Where(read => read.SaleId == sale.Id).Select(read => read.AtMs).DefaultIfEmpty(double.NaN).Min();
        var granted = checkouts.Where(c => c.Status == 200).Select(c => c.SentMs + c.TookMs).DefaultIfEmpty(double.NaN).Min();
        var took = checkouts.Select(c => c.TookMs).Order().ToList();
        return new WindowFigures(
            sale.Id,
            sale.StartsAt,
            listedBefore,
            afterStart.Count,
            afterStart.Count(read => read.Status != 200),
            double.IsNaN(named) ? null : named,
            double.IsNaN(granted) ? null : granted,
            took.Count,
            checkouts.Count(c => c.Status == 200),
            checkouts.GroupBy(c => c.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count()),
            Percentile(took, 0.50),
            Percentile(took, 0.99));
    }

    // GET /sales/current every 10 ms: the time each answer came, from the sale's start, its status and the sale it named.
    private static async Task PollCurrentAsync(
        LoadTarget target, SaleRow sale, ConcurrentBag<(double, int, long?)> reads, CancellationToken cancellationToken)
    {
        while (DateTimeOffset.UtcNow < sale.StartsAt + WatchAfter)
        {
            using var response = await target.Client.GetAsync(new Uri("/sales/current", UriKind.Relative), cancellationToken);
            var answeredAt = (DateTimeOffset.UtcNow - sale.StartsAt).TotalMilliseconds;
            long? saleId = response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<SaleRow>(ShopClient.Json, cancellationToken))?.Id
                : null;
            reads.Add((answeredAt, (int)response.StatusCode, saleId));
            await Task.Delay(PollEvery, cancellationToken);
        }
    }

    // One shopper: from the sale's first instant, checkouts of its own items (shopper, shopper + shoppers, ...) for a second.
    private static async Task ShopAsync(
        LoadTarget target, SaleRow sale, int shopper, int shoppers, ConcurrentBag<(double, double, int)> checkouts, CancellationToken cancellationToken)
    {
        await DelayUntilAsync(sale.StartsAt, cancellationToken);
        for (var index = shopper; index < sale.TotalItems && DateTimeOffset.UtcNow < sale.StartsAt + CheckoutFor; index += shoppers)
        {
            var sentAt = (DateTimeOffset.UtcNow - sale.StartsAt).TotalMilliseconds;
            var started = Stopwatch.GetTimestamp();
            using var response = await target.Client.PostAsync(
                new Uri($"/checkout?user_id=window-{sale.Id}-{shopper}&id={sale.Id}-{index:D6}", UriKind.Relative), null, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            checkouts.Add((sentAt, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode));
        }
    }

    // Task.Delay's timer is coarse: sleep to within 20 ms, then spin, so the first request leaves at the instant.
    private static async Task DelayUntilAsync(DateTimeOffset instant, CancellationToken cancellationToken)
    {
        var wait = instant - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(20);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        while (DateTimeOffset.UtcNow < instant)
        {
            Thread.SpinWait(100);
        }
    }

    private static double Percentile(List<double> sorted, double share) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(share * sorted.Count) - 1)];

    private sealed record SalePage(List<SaleRow> Sales);

    private sealed record SaleRow(long Id, string State, DateTimeOffset StartsAt, int TotalItems);
}
