using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.Tests.Infrastructure;

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

    // A sale once it shows what `settled` expects (the current one: once there is one), or a failure with the last
    // answer: a replica remembers "no sale" for up to a second, and a running sale's figures are exact within a
    // second (SaleFigures), not at once.
    public Task<SaleDto> CurrentSaleOnceAsync(Func<SaleDto, bool>? settled = null) => OnceAsync("/sales/current", CurrentSaleAsync, settled);

    public Task<SaleDto> SaleOnceAsync(long saleId, Func<SaleDto, bool> settled) => OnceAsync($"/sales/{saleId}", () => SaleAsync(saleId), settled);

    // Until every replica runs `sale`.
    public static async Task WaitUntilEachRunsAsync(IEnumerable<FlashSaleClient> replicas, SaleDto sale)
    {
        foreach (var replica in replicas)
        {
            await replica.CurrentSaleOnceAsync(running => running.Id == sale.Id);
        }
    }

    public Task<Reply<JsonElement>> HealthAsync() => SendAsync<JsonElement>(HttpMethod.Get, "/health");

    // The health report once /health answers `wanted`, or a failure with the last answer.
    public async Task<JsonElement> HealthOnceAsync(HttpStatusCode wanted = HttpStatusCode.OK)
    {
        var health = await Waiting.ReadUntilAsync(HealthAsync,
            reply => reply.Status == wanted ? null : $"GET /health at {Http.BaseAddress} answers {(int)reply.Status}, not {(int)wanted}: {reply.Body}");
        return JsonSerializer.Deserialize<JsonElement>(health.Body);
    }

    public Task<Reply<ItemPageDto>> ItemsAsync(long saleId, string query = "") =>
        SendAsync<ItemPageDto>(HttpMethod.Get, $"/sales/{saleId}/items{query}");

    public Task<Reply<CheckoutDto>> CheckoutAsync(string? userId, string? itemId) =>
        SendAsync<CheckoutDto>(HttpMethod.Post, "/checkout" + Query(("user_id", userId), ("id", itemId)));

    public Task<Reply<PurchaseDto>> PurchaseAsync(string? code) =>
        SendAsync<PurchaseDto>(HttpMethod.Post, "/purchase" + Query(("code", code)));

    public Task<Reply<UserPurchasesDto>> PurchasesOfAsync(string userId, long? saleId = null) =>
        SendAsync<UserPurchasesDto>(HttpMethod.Get, $"/users/{Uri.EscapeDataString(userId)}/purchases" + Query(("sale_id", saleId?.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    // A checkout granted for one of the sale's available items, skipping any another shopper took a moment ago.
    public async Task<CheckoutDto> CheckoutAnAvailableItemAsync(long saleId, string userId)
    {
        var page = (await ItemsAsync(saleId, "?status=available&limit=200")).Ok();
        return await CheckoutFirstFreeAsync(page.Items.Select(item => item.Id).OrderBy(_ => Random.Shared.Next()), userId);
    }

    // A checkout granted for the first of these items that another shopper has not taken a moment ago.
    public async Task<CheckoutDto> CheckoutFirstFreeAsync(IEnumerable<string> itemIds, string userId)
    {
        foreach (var itemId in itemIds)
        {
            var checkout = await CheckoutAsync(userId, itemId);
            if (checkout.Status != HttpStatusCode.Conflict || checkout.Problem?.Code is not ("item_reserved" or "item_sold"))
            {
                return checkout.Ok();
            }
        }

        throw new InvalidOperationException("Every listed item was taken by other shoppers before this one could check it out");
    }

    public static string ItemId(long saleId, int index) => $"{saleId}-{index:D6}";

    private async Task<SaleDto> OnceAsync(string path, Func<Task<Reply<SaleDto>>> read, Func<SaleDto, bool>? settled)
    {
        var sale = await Waiting.ReadUntilAsync(read, reply => reply.Status == HttpStatusCode.OK && (settled?.Invoke(reply.Value!) ?? true)
            ? null
            : $"GET {path} at {Http.BaseAddress} answers {(int)reply.Status}: {reply.Body}");
        return sale.Value!;
    }

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
