using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FlashSale.Tests.Scenarios;

// Talks to a running FlashSale over HTTP, whichever way it was started (in-process, a process of its own, the AppHost).
public sealed class FlashSaleClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public HttpClient Http { get; } = http;

    public Task<Reply<SaleDto>> CreateSaleAsync(int totalItems, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null) =>
        SendAsync<SaleDto>(HttpMethod.Post, "/admin/sales", new { total_items = totalItems, starts_at = startsAt, ends_at = endsAt });

    public Task<Reply<SalePageDto>> SalesAsync(string query = "") => SendAsync<SalePageDto>(HttpMethod.Get, "/sales" + query);

    public Task<Reply<SaleDto>> CurrentSaleAsync() => SendAsync<SaleDto>(HttpMethod.Get, "/sales/current");

    public Task<Reply<SaleDto>> SaleAsync(long saleId) => SendAsync<SaleDto>(HttpMethod.Get, $"/sales/{saleId}");

    // The running sale's figures are exact within a second (SaleFigures), not at once: these read them until they
    // show what `settled` expects, or for a few seconds, and return the last answer for the caller to assert on.
    public Task<SaleDto> CurrentSaleOnceAsync(Func<SaleDto, bool> settled) => ReadUntilAsync(async () => (await CurrentSaleAsync()).Ok(), settled);

    public Task<SaleDto> SaleOnceAsync(long saleId, Func<SaleDto, bool> settled) => ReadUntilAsync(async () => (await SaleAsync(saleId)).Ok(), settled);

    public Task<Reply<ItemPageDto>> ItemsAsync(long saleId, string query = "") =>
        SendAsync<ItemPageDto>(HttpMethod.Get, $"/sales/{saleId}/items{query}");

    public Task<Reply<CheckoutDto>> CheckoutAsync(string? userId, string? itemId) =>
        SendAsync<CheckoutDto>(HttpMethod.Post, "/checkout" + Query(("user_id", userId), ("id", itemId)));

    public Task<Reply<PurchaseDto>> PurchaseAsync(string? code) =>
        SendAsync<PurchaseDto>(HttpMethod.Post, "/purchase" + Query(("code", code)));

    public Task<Reply<UserPurchasesDto>> PurchasesOfAsync(string userId, long? saleId = null) =>
        SendAsync<UserPurchasesDto>(HttpMethod.Get, $"/users/{Uri.EscapeDataString(userId)}/purchases" + Query(("sale_id", saleId?.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    // Reads until `settled` holds or for `patience` (10 s unless given), whatever the client; returns the last value read.
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> settled, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await read();
            if (settled(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    public static string ItemId(long saleId, int index) => $"{saleId}-{index:D6}";

    private async Task<Reply<T>> SendAsync<T>(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (response.IsSuccessStatusCode)
        {
            return new Reply<T>(response.StatusCode, JsonSerializer.Deserialize<T>(text, Json), null, mediaType, text, response.Headers.Location);
        }

        ProblemDto? problem = null;
        if (mediaType == "application/problem+json")
        {
            problem = JsonSerializer.Deserialize<ProblemDto>(text, Json);
        }

        return new Reply<T>(response.StatusCode, default, problem, mediaType, text, response.Headers.Location);
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }
}

public sealed record Reply<T>(HttpStatusCode Status, T? Value, ProblemDto? Problem, string? MediaType, string Body, Uri? Location)
{
    public T Ok()
    {
        Assert.True(Status is HttpStatusCode.OK or HttpStatusCode.Created, $"Expected success, got {(int)Status}: {Body}");
        return Value!;
    }

    public ProblemDto Refused(HttpStatusCode status, string code)
    {
        Assert.True(Status == status, $"Expected {(int)status} {code}, got {(int)Status}: {Body}");
        Assert.Equal("application/problem+json", MediaType);
        Assert.NotNull(Problem);
        Assert.Equal(code, Problem!.Code);
        return Problem;
    }
}

public sealed record ProblemDto(string? Type, string? Title, int? Status, string? Detail, string? Code, string? Parameter);

public sealed record SaleDto(
    long Id, string State, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int TotalItems, int ItemsSold, int ItemsHeld, int ItemsAvailable, int ItemsUnsold);

public sealed record SalePageDto(List<SaleDto> Sales, long? Next);

public sealed record ItemDto(string Id, string Name, string ImageUrl, string Status);

public sealed record ItemPageDto(List<ItemDto> Items, string? Next);

public sealed record CheckoutDto(string Code, long SaleId, string ItemId, string UserId, DateTimeOffset ExpiresAt);

public sealed record PurchaseDto(long PurchaseId, long SaleId, string ItemId, string UserId, DateTimeOffset PurchasedAt);

public sealed record UserPurchasesDto(List<PurchaseDto> Purchases);
