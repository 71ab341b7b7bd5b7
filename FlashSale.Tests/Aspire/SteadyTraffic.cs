using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Aspire;

// Shoppers arriving at a steady pace through one address, none waiting for another: each checks out an item of its
// own (items `firstItem` onwards, one each) and buys it when the checkout holds it. Every exchange is recorded with
// when it was sent, how long it took and who answered.
public sealed class SteadyTraffic(HttpClient api, SaleDto sale, int firstItem)
{
    public const string ReplicaHeader = "X-FlashSale-Replica";

    private readonly ConcurrentQueue<Exchange> _exchanges = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public IReadOnlyCollection<Exchange> Exchanges => _exchanges;

    public TimeSpan Now => _clock.Elapsed;

    public async Task RunAsync(TimeSpan duration, TimeSpan pace)
    {
        List<Task> shoppers = [];
        for (var shopper = 0; Now < duration; shopper++)
        {
            shoppers.Add(ShopAsync(FlashSaleClient.ItemId(sale.Id, firstItem + shopper)));
            await Task.Delay(pace);
        }

        await Task.WhenAll(shoppers);
    }

    public string Summary() =>
        $"longest wait {Exchanges.Max(e => e.Took).TotalSeconds:F2} s ({Exchanges.MaxBy(e => e.Took)}); "
        + string.Join(", ", Exchanges.GroupBy(e => (e.Kind, e.Status, e.Replica)).OrderBy(g => g.Key.ToString())
            .Select(g => $"{g.Key.Kind} {(g.Key.Status == 0 ? "no answer" : g.Key.Status)} from {g.Key.Replica ?? "the gateway"}: {g.Count()}"));

    private async Task ShopAsync(string itemId)
    {
        var user = $"turnover-{Guid.NewGuid():N}"[..24];
        var checkout = await SendAsync(Kind.Checkout, $"/checkout?user_id={user}&id={itemId}");
        if (checkout is { Status: 200, Body: { } body })
        {
            var code = JsonSerializer.Deserialize<CheckoutDto>(body, FlashSaleClient.Json)!.Code;
            _exchanges.Enqueue(checkout with { Acknowledged = code });
            var purchase = await SendAsync(Kind.Purchase, $"/purchase?code={code}");
            _exchanges.Enqueue(purchase is { Status: 200, Body: { } receipt }
                ? purchase with { Acknowledged = JsonSerializer.Deserialize<PurchaseDto>(receipt, FlashSaleClient.Json)!.PurchaseId.ToString(CultureInfo.InvariantCulture) }
                : purchase);
        }
        else
        {
            _exchanges.Enqueue(checkout);
        }
    }

    private async Task<Exchange> SendAsync(Kind kind, string path)
    {
        var sent = Now;
        try
        {
            using var answer = await api.PostAsync(new Uri(path, UriKind.Relative), content: null);
            var body = await answer.Content.ReadAsStringAsync();
            var replica = answer.Headers.TryGetValues(ReplicaHeader, out var names) ? names.Single() : null;
            return new Exchange(kind, sent, Now - sent, (int)answer.StatusCode, answer.Content.Headers.ContentType?.MediaType, replica, body, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Exchange(kind, sent, Now - sent, 0, null, null, null, e.Message);
        }
    }

    public enum Kind
    {
        Checkout,
        Purchase,
    }

    // Status 0: no answer (Error says why). Acknowledged: the checkout's code or the purchase's id of a 200.
    public sealed record Exchange(Kind Kind, TimeSpan Sent, TimeSpan Took, int Status, string? MediaType, string? Replica, string? Body, string? Error)
    {
        public string? Acknowledged { get; init; }

        public TimeSpan Answered => Sent + Took;

        // What a replica says itself: a success, or a refusal as problem+json, either naming the replica.
        public bool IsTheServicesOwn => Replica is not null
            && (Status == 200 || (Status is >= 400 and < 500 && MediaType == "application/problem+json"));

        public override string ToString() =>
            $"{Kind} sent at {Sent.TotalSeconds:F2} s, {(Status == 0 ? $"no answer ({Error})" : $"{Status} {MediaType} from {Replica ?? "the gateway"}")} after {Took.TotalSeconds:F2} s";
    }
}
