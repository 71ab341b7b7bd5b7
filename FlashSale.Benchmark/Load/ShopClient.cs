using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace FlashSale.Benchmark.Load;

// FlashSale's HTTP contract as the shoppers use it; every call is timed and recorded under its route.
public sealed class ShopClient(LoadRecorder recorder)
{
    public const string CheckoutRoute = "POST /checkout";
    public const string PurchaseRoute = "POST /purchase";
    public const string AliveRoute = "GET /alive";
    public const string CurrentSaleRoute = "GET /sales/current";
    public const string ItemsRoute = "GET /sales/{id}/items";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public LoadRecorder Recorder { get; } = recorder;

    public async Task<Answer<Hold>> CheckoutAsync(LoadTarget target, string user, string item, CancellationToken cancellationToken)
    {
        var answer = await SendAsync<Hold>(target, HttpMethod.Post, $"/checkout?user_id={user}&id={item}", CheckoutRoute, cancellationToken);
        if (answer.Lost)
        {
            Recorder.Seen.CheckoutLost();
        }
        else if (answer.Status != 503 && answer.Problem is not ("no_active_sale" or "invalid_request" or "too_many_requests"))
        {
            Recorder.Seen.CheckoutAnswered(answer.Ok);
        }

        return answer;
    }

    public async Task<Answer<Receipt>> PurchaseAsync(LoadTarget target, string code, CancellationToken cancellationToken)
    {
        var answer = await SendAsync<Receipt>(target, HttpMethod.Post, $"/purchase?code={code}", PurchaseRoute, cancellationToken);
        if (answer.Ok)
        {
            Recorder.Seen.PurchaseSucceeded();
            Recorder.ItemSold();
        }
        else if (answer.Lost)
        {
            Recorder.Seen.PurchaseLost();
        }

        return answer;
    }

    public Task<Answer<object>> AliveAsync(LoadTarget target, CancellationToken cancellationToken) =>
        SendAsync<object>(target, HttpMethod.Get, "/alive", AliveRoute, cancellationToken, readBody: false);

    public Task<Answer<SaleInfo>> CurrentSaleAsync(LoadTarget target, CancellationToken cancellationToken) =>
        SendAsync<SaleInfo>(target, HttpMethod.Get, "/sales/current", CurrentSaleRoute, cancellationToken);

    public Task<Answer<ItemsPage>> ItemsAsync(LoadTarget target, long saleId, string? after, int limit, CancellationToken cancellationToken) =>
        SendAsync<ItemsPage>(target, HttpMethod.Get,
            $"/sales/{saleId}/items?status=available&limit={limit.ToString(CultureInfo.InvariantCulture)}{(after is null ? "" : $"&after={after}")}",
            ItemsRoute, cancellationToken);

    private async Task<Answer<T>> SendAsync<T>(
        LoadTarget target, HttpMethod method, string path, string route, CancellationToken cancellationToken, bool readBody = true)
        where T : class
    {
        using var slot = await target.TakeSlotAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            using var response = await target.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
            var status = (int)response.StatusCode;
            T? value = null;
            string? problem = null;
            if (response.IsSuccessStatusCode)
            {
                value = readBody ? await response.Content.ReadFromJsonAsync<T>(Json, CancellationToken.None) : null;
            }
            else if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                problem = (await response.Content.ReadFromJsonAsync<ProblemBody>(Json, CancellationToken.None))?.Code;
            }

            problem ??= response.IsSuccessStatusCode ? null : $"http_{status}";
            Recorder.Record(route, Stopwatch.GetElapsedTime(started), status.ToString(CultureInfo.InvariantCulture), problem);
            return new Answer<T>(status, value, problem);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException or IOException)
        {
            var problem = exception is TaskCanceledException ? "timeout" : "connection_error";
            Recorder.Record(route, Stopwatch.GetElapsedTime(started), "error", problem);
            return new Answer<T>(0, null, problem);
        }
    }

    private sealed record ProblemBody(string? Code);
}

// One answer: its HTTP status (0 when none came), its body on success, its problem code otherwise.
public sealed record Answer<T>(int Status, T? Value, string? Problem)
    where T : class
{
    public bool Ok => Status is >= 200 and < 300;

    public bool Lost => Status == 0;
}

public sealed record Hold(string Code, long SaleId, string ItemId, DateTimeOffset ExpiresAt);

public sealed record Receipt(long PurchaseId, string ItemId, string UserId);

public sealed record SaleInfo(long Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int TotalItems, int ItemsSold);

public sealed record ItemsPage(List<ItemRow> Items, string? Next);

public sealed record ItemRow(string Id, string Status);
