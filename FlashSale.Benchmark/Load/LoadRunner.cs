using System.Net;
using System.Net.Http.Json;
using FlashSale.Benchmark.Audit;
using FlashSale.Benchmark.Scenarios;
using Spectre.Console;

namespace FlashSale.Benchmark.Load;

// One run: open a sale of its own (with the admin key) and wait until every target sees it, run the scenario
// with the live view, then measure, audit and report.
public static class LoadRunner
{
    private static readonly TimeSpan SaleWait = TimeSpan.FromMinutes(3);

    public static async Task<LoadResult> RunAsync(LoadOptions options, IReadOnlyList<LoadTarget> targets, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var recorder = new LoadRecorder(options.Duration + TimeSpan.FromSeconds(10));
        var shop = new ShopClient(recorder);
        var sale = options.Scenario == Scenario.Alive ? null : await OpenSaleAsync(options, targets, console, cancellationToken);
        var context = new ScenarioContext(options, targets, shop, sale, cancellationToken);
        await using var watch = new ProcessWatch(options.ApiPids, options.PostgresPid, options.RedisPid);
        context.MeasuringStarted += watch.Start;
        await using var sampler = new Sampler(recorder, options.ApiPids, options.SampleEvery);
        context.MeasuringStarted += sampler.Start;

        console.WriteLine($"{options.Scenario} against {string.Join(", ", targets.Select(t => t.Name))}"
            + (sale is null ? "" : $", sale {sale.Id} of {sale.TotalItems} items")
            + $"; {options.Shoppers} shoppers, {options.Connections} connections, up to {options.Duration.TotalSeconds:0.#} s, seed {options.Seed}"
            + (options.Rate is { } rate ? $", {rate:0.#} checkouts/s" : ""));
        var running = options.Scenario switch
        {
            _ when options.WrkScript is { } script => WrkScenario.RunAsync(context, script),
            Scenario.Rush => RushScenario.RunAsync(context),
            Scenario.Checkout => CheckoutScenario.RunAsync(context),
            Scenario.Purchase => PurchaseScenario.RunAsync(context),
            Scenario.Mixed => MixedScenario.RunAsync(context),
            _ => AliveScenario.RunAsync(context),
        };
        if (options.Live && !Console.IsOutputRedirected)
        {
            await ConsoleView.ShowLiveAsync(console, context, running);
        }

        await running;
        var elapsed = context.Elapsed;
        var samples = await sampler.StopAsync();
        recorder.StopMeasuring();
        var resources = await watch.StopAsync(recorder.Requests);

        AuditResult? audit = null;
        if (options.Database is not null && sale is not null)
        {
            audit = await SaleAudit.RunAsync(options.Database, sale.Id, options.Scenario, options.Shoppers, recorder.Seen.Snapshot(), cancellationToken);
        }

        return new LoadResult
        {
            Label = options.Label.Length > 0 ? options.Label : options.Scenario.ToString().ToLowerInvariant(),
            Scenario = options.Scenario,
            Targets = targets.Select(t => t.Name).ToList(),
            Shoppers = options.Shoppers,
            Connections = options.Connections,
            Seed = options.Seed,
            SaleId = sale?.Id,
            TotalItems = sale?.TotalItems ?? 0,
            Sold = recorder.Sold,
            ElapsedSeconds = elapsed.TotalSeconds,
            SoldOutAfterSeconds = context.SoldOutAfter?.TotalSeconds,
            Requests = recorder.Requests,
            RequestsPerSecond = elapsed.TotalSeconds > 0 ? recorder.Requests / elapsed.TotalSeconds : 0,
            Endpoints = [.. recorder.Endpoints.Select(endpoint => endpoint.Summarize(elapsed)), .. recorder.External],
            Timeline = recorder.Timeline.Seconds(elapsed),
            Resources = resources,
            Rate = options.Rate,
            Samples = samples,
            Audit = audit,
        };
    }

    // A sale of the options' size for this run (the running one without an admin key). Sales may not overlap,
    // so while the previous run's sale is still open this waits for its end.
    private static async Task<SaleInfo> OpenSaleAsync(LoadOptions options, IReadOnlyList<LoadTarget> targets, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var client = targets[0].Client;
        SaleInfo sale;
        if (options.AdminKey is null)
        {
            sale = await client.GetFromJsonAsync<SaleInfo>("/sales/current", ShopClient.Json, cancellationToken)
                ?? throw new InvalidOperationException("No sale is running and no admin key was given to open one");
        }
        else
        {
            var deadline = DateTime.UtcNow + SaleWait;
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/admin/sales", UriKind.Relative))
                {
                    Content = JsonContent.Create(new { total_items = options.SaleSize, ends_at = DateTimeOffset.UtcNow + options.SaleLength }),
                };
                request.Headers.Add("X-Api-Key", options.AdminKey);
                using var created = await client.SendAsync(request, cancellationToken);
                if (created.IsSuccessStatusCode)
                {
                    sale = (await created.Content.ReadFromJsonAsync<SaleInfo>(ShopClient.Json, cancellationToken))!;
                    break;
                }

                if (created.StatusCode != HttpStatusCode.Conflict || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"Could not open a sale: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken)}");
                }

                console.WriteLine("Another sale is still open; waiting for its end");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        // A replica remembers the sale it last saw for up to a second.
        foreach (var target in targets)
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (true)
            {
                using var current = await target.Client.GetAsync(new Uri("/sales/current", UriKind.Relative), cancellationToken);
                if (current.IsSuccessStatusCode && (await current.Content.ReadFromJsonAsync<SaleInfo>(ShopClient.Json, cancellationToken))?.Id == sale.Id)
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"{target.Name} does not see sale {sale.Id}");
                }

                await Task.Delay(50, cancellationToken);
            }
        }

        return sale;
    }
}
