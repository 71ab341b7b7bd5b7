using FlashSale.Api.Checkout;
using FlashSale.Api.Configuration;
using FlashSale.Api.Purchases;
using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlashSale.Api.WarmUp;

// The shoppers' two endpoints, run in-process by the warm-up through their real request delegates (binding, services,
// the answers' JSON and problems), with services of their own: the checkout service sees only the warm-up's scratch
// sale, stores its attempts in transactions it rolls back, and its PostgreSQL fallback (taken only when Redis fails)
// runs read-only; both keep what they learn sold to themselves and count into meters nobody reads ("FlashSale.*" is
// what telemetry subscribes to).
// Without it, the crowd at a replica's first sale paid for compiling about a thousand methods of these paths.
internal sealed class ScratchShop : IServiceProvider, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly NpgsqlDataSource _readOnly;
    private readonly CurrentSale _currentSale;
    private readonly CheckoutAttemptLog _attempts;
    private readonly CheckoutService _checkout;
    private readonly PurchaseService _purchase;
    private readonly RequestDelegate _checkoutEndpoint;
    private readonly RequestDelegate _purchaseEndpoint;

    public ScratchShop(IServiceProvider services, Sale sale, ScratchRedis redis)
    {
        _services = services;
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var options = services.GetRequiredService<IOptions<FlashSaleOptions>>();
        var readOnly = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        readOnly.Options = $"{readOnly.Options} -c default_transaction_read_only=on".Trim();
        _readOnly = NpgsqlDataSource.Create(readOnly);

        _currentSale = ActivatorUtilities.CreateInstance<CurrentSale>(services);
        _currentSale.Hold(sale);
        var unheard = new DatabaseMetrics(redis.Meters);
        _attempts = new CheckoutAttemptLog(new Database(dataSource, unheard), options, CopyAndRollBackAsync);
        var metrics = new SaleFlowMetrics(redis.Meters);
        var postgresHolds = new PostgresHolds(new Database(_readOnly, unheard));
        var soldItems = new KnownSoldItems();
        _checkout = ActivatorUtilities.CreateInstance<CheckoutService>(services, _currentSale, redis.Holds, postgresHolds, soldItems, _attempts, metrics);
        _purchase = ActivatorUtilities.CreateInstance<PurchaseService>(services, _currentSale, redis.Keys, redis.SaleState, soldItems, metrics);

        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        _checkoutEndpoint = Post(endpoints, "/checkout");
        _purchaseEndpoint = Post(endpoints, "/purchase");
    }

    public Task CheckoutAsync(string userId, string itemId, CancellationToken cancellationToken) =>
        InvokeAsync(_checkoutEndpoint, QueryString.Create("user_id", userId).Add("id", itemId), cancellationToken);

    public Task PurchaseAsync(string code, CancellationToken cancellationToken) =>
        InvokeAsync(_purchaseEndpoint, QueryString.Create("code", code), cancellationToken);

    // The endpoints resolve their service from here: the scratch ones, everything else from the application.
    public object? GetService(Type serviceType) =>
        serviceType == typeof(CheckoutService) ? _checkout
        : serviceType == typeof(PurchaseService) ? _purchase
        : _services.GetService(serviceType);

    public async ValueTask DisposeAsync()
    {
        await _attempts.DisposeAsync();
        _currentSale.Dispose();
        await _readOnly.DisposeAsync();
    }

    // One binary COPY of the attempts, as the shoppers' log writes them, in a transaction that is rolled back.
    private static async Task CopyAndRollBackAsync(NpgsqlConnection connection, IReadOnlyList<CheckoutAttempt> attempts, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await CheckoutAttemptLog.CopyAsync(connection, attempts, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
    }

    private static RequestDelegate Post(IEnumerable<RouteEndpoint> endpoints, string route) =>
        endpoints.Single(endpoint => endpoint.RoutePattern.RawText == route
            && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Post) == true).RequestDelegate!;

    private async Task InvokeAsync(RequestDelegate endpoint, QueryString query, CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext { RequestServices = this, RequestAborted = cancellationToken };
        context.Request.Method = HttpMethods.Post;
        context.Request.QueryString = query;
        context.Response.Body = Stream.Null;
        await endpoint(context);
    }
}
