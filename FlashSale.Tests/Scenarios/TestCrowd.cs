using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Scenarios;

// A paced crowd of shoppers buying one sale through a list of replicas, recording every answer it gets. The
// fault tests all run one, break something underneath it, and then check what it saw and what PostgreSQL holds.
// Each shopper checks out random items it has not seen sold, spreading its requests over the replicas, and buys
// what it holds, retrying a purchase with the same code while the answer is a 503 or no answer (as the API
// asks). It stops at the per-user limit, when every item is known sold, or when told to.
public sealed class TestCrowd(IReadOnlyList<FlashSaleClient> replicas, SaleDto sale, int shoppers, int limit)
{
    private readonly ConcurrentDictionary<int, bool> _sold = new();
    private readonly ConcurrentQueue<Answer> _answers = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(50);

    // Answers slower than this count as past their timeout.
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public IReadOnlyCollection<Answer> Answers => _answers;

    public int Receipts => _answers.Count(a => a.Kind == Kind.Purchase && a.Status == 200);

    public TimeSpan Now => _clock.Elapsed;

    public bool SoldOut => _sold.Count >= sale.TotalItems;

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, shoppers).Select(shopper => Task.Run(() => ShopAsync(shopper, stop), CancellationToken.None)));

    // Waits until the crowd has seen something, e.g. a number of receipts.
    public Task WaitUntilAsync(Func<TestCrowd, bool> condition, string what) =>
        Waiting.Eventually(() => condition(this) ? null : $"The crowd never saw {what}: {Summary()}");

    public string Summary() => string.Join(", ", _answers.GroupBy(a => (a.Kind, a.Status, a.Code)).OrderBy(g => g.Key.ToString())
        .Select(g => $"{g.Key.Kind} {g.Key.Status} {g.Key.Code}: {g.Count()}"));

    private async Task ShopAsync(int shopper, CancellationToken stop)
    {
        var random = new Random(shopper);
        var userId = $"crowd{shopper}";
        var bought = 0;
        for (var turn = 0; bought < limit && !SoldOut && !stop.IsCancellationRequested; turn++)
        {
            await Task.Delay(Pause, CancellationToken.None);
            var index = random.Next(sale.TotalItems);
            if (_sold.ContainsKey(index))
            {
                continue;
            }

            var replica = (shopper + turn) % replicas.Count;
            var item = FlashSaleClient.ItemId(sale.Id, index);
            var checkout = await SendAsync(Kind.Checkout, userId, replica, item, null, api => api.CheckoutAsync(userId, item));
            if (checkout.Problem?.Code == "item_sold")
            {
                _sold[index] = true;
            }

            if (checkout.Problem?.Code == "user_limit_reached")
            {
                return;
            }

            if (checkout.Status != HttpStatusCode.OK)
            {
                continue;
            }

            var code = checkout.Value!.Code;
            for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
            {
                var purchase = await SendAsync(Kind.Purchase, userId, (replica + 1 + attempt) % replicas.Count, item, code, api => api.PurchaseAsync(code));
                if (purchase.Status == HttpStatusCode.OK)
                {
                    bought++;
                    _sold[index] = true;
                    break;
                }

                if (purchase.Status is not (HttpStatusCode.ServiceUnavailable or 0))
                {
                    break;
                }

                await Task.Delay(Pause * 4, CancellationToken.None);
            }
        }
    }

    private async Task<Reply<T>> SendAsync<T>(Kind kind, string userId, int replica, string itemId, string? code, Func<FlashSaleClient, Task<Reply<T>>> send)
    {
        var sent = _clock.Elapsed;
        Reply<T> reply;
        try
        {
            reply = await send(replicas[replica]).WaitAsync(RequestTimeout);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or TaskCanceledException or IOException)
        {
            // No answer: the replica died, or the answer was past its timeout.
            reply = new Reply<T>(0, default, null, null, Describe(exception), null);
        }

        var took = _clock.Elapsed - sent;
        var answer = new Answer(kind, userId, replica, itemId, (int)reply.Status, reply.Problem?.Code ?? (reply.Status == 0 ? reply.Body : null),
            code ?? (reply.Value as CheckoutDto)?.Code, (reply.Value as PurchaseDto)?.PurchaseId, sent, took);
        _answers.Enqueue(answer);
        return reply;
    }

    // The exception and its innermost cause: "An error occurred while sending the request" alone does not say whether
    // the connection was refused, reset or cut after the request was read.
    private static string Describe(Exception exception)
    {
        var cause = exception;
        while (cause.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        var text = exception.GetType().Name + ": " + exception.Message;
        return cause == exception ? text : text + " (" + cause.GetType().Name + ": " + cause.Message + ")";
    }

    public enum Kind
    {
        Checkout,
        Purchase,
    }

    // One answer as the shopper saw it: Status 0 when none came (the replica was gone, or the timeout passed).
    public sealed record Answer(Kind Kind, string UserId, int Replica, string ItemId, int Status, string? Code,
        string? CheckoutCode, long? PurchaseId, TimeSpan Sent, TimeSpan Took);
}
