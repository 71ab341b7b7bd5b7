using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace FlashSale.Benchmark;

// Each shopper takes the next unsold item, checks it out and buys it, until the time is up or the stock
// is gone. With an admin key a fresh sale is opened first; without one the running sale is used.
public sealed class ShopperLoad(BenchmarkOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly ConcurrentBag<double> _checkoutMs = [];
    private readonly ConcurrentBag<double> _purchaseMs = [];
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private int _nextItem = -1;

    public async Task<BenchmarkReport> RunAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Shoppers }) { BaseAddress = options.Url };
        var sale = await OpenSaleAsync(http);
        Console.WriteLine($"Sale {sale.Id}: {sale.TotalItems} items; {options.Shoppers} shoppers for up to {options.Duration.TotalSeconds:0} s against {options.Url}");

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(options.Duration);
        await Task.WhenAll(Enumerable.Range(0, options.Shoppers).Select(shopper => ShopAsync(http, sale, shopper, stop.Token)));
        return new BenchmarkReport(clock.Elapsed, [.. _checkoutMs], [.. _purchaseMs], new Dictionary<string, int>(_failures));
    }

    private async Task ShopAsync(HttpClient http, Sale sale, int shopper, CancellationToken stop)
    {
        var bought = 0;
        while (!stop.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref _nextItem);
            if (index >= sale.TotalItems)
            {
                return;
            }

            // Ten items per shopper name: the per-user limit.
            var user = $"bench-{shopper}-{bought++ / 10}";
            var started = Stopwatch.GetTimestamp();
            using var checkout = await http.PostAsync(new Uri($"/checkout?user_id={user}&id={sale.Id}-{index:D6}", UriKind.Relative), null, CancellationToken.None);
            _checkoutMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!checkout.IsSuccessStatusCode)
            {
                await CountFailureAsync(checkout);
                continue;
            }

            var hold = await checkout.Content.ReadFromJsonAsync<Hold>(Json, CancellationToken.None);
            started = Stopwatch.GetTimestamp();
            using var purchase = await http.PostAsync(new Uri($"/purchase?code={hold!.Code}", UriKind.Relative), null, CancellationToken.None);
            _purchaseMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!purchase.IsSuccessStatusCode)
            {
                await CountFailureAsync(purchase);
            }
        }
    }

    private async Task CountFailureAsync(HttpResponseMessage response)
    {
        var code = $"http_{(int)response.StatusCode}";
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            code = problem.RootElement.TryGetProperty("code", out var value) ? value.GetString() ?? code : code;
        }

        _failures.AddOrUpdate(code, 1, (_, count) => count + 1);
    }

    private async Task<Sale> OpenSaleAsync(HttpClient http)
    {
        if (options.AdminKey is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/sales")
            {
                Content = JsonContent.Create(new { total_items = options.Items }, options: Json),
            };
            request.Headers.Add("X-Api-Key", options.AdminKey);
            using var created = await http.SendAsync(request);
            if (created.IsSuccessStatusCode)
            {
                return (await created.Content.ReadFromJsonAsync<Sale>(Json))!;
            }

            Console.WriteLine($"Could not open a sale ({(int)created.StatusCode}); using the running one");
        }

        return (await http.GetFromJsonAsync<Sale>("/sales/current", Json))!;
    }

    private sealed record Sale(long Id, int TotalItems);

    private sealed record Hold(string Code);
}
