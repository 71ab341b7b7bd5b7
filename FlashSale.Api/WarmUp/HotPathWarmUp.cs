using System.Diagnostics;
using System.Runtime;
using FlashSale.Api.Checkout;
using FlashSale.Api.Configuration;
using FlashSale.Api.Purchases;
using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using StackExchange.Redis;
using IServer = Microsoft.AspNetCore.Hosting.Server.IServer;

namespace FlashSale.Api.WarmUp;

// Runs a replica's hot paths before it reports ready, and once more after, so the crowd that meets a freshly started
// replica does not pay for the JIT (docs/benchmarks-notes.md). Nothing it does reaches a sale or a shopper: Redis
// checkouts and purchase mirrors of a scratch sale no shopper can reach, on keys of this replica's own, deleted after
// (ScratchRedis); the checkout and purchase endpoints run in-process on that sale (ScratchShop: attempts copied in
// transactions that are rolled back, purchases of codes PostgreSQL finds none of or Redis answers); and GETs of the
// sales through the replica's own HTTP pipeline. The business metrics and the lock metrics count none of it, and none
// of it is traced.
public sealed partial class HotPathWarmUp(
    IServiceProvider services,
    RedisCommands redis,
    RedisKeys keys,
    PurchaseLedger ledger,
    IServer server,
    IOptions<FlashSaleOptions> options,
    WarmUpHealthCheck readiness,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<HotPathWarmUp> logger) : BackgroundService
{
    private const int Workers = 4;
    private const int Rounds = 100;
    private const int HttpRounds = 40;

    // Before ready, enough calls through the endpoints to have their code compiled, not to take it to its final tier
    // (each checkout waits for its attempts' copy): the second pass, after ready, does that with every round.
    private const int FirstPassEndpointRounds = 10;
    private static readonly TimeSpan QuietJit = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(10);

    private readonly ScratchRedis _redis = new(services, keys);

    // The last id a sale could take (PostgreSQL counts sale ids up from 1): its items are valid item ids, so the
    // checkouts go the shoppers' whole way, and only the warm-up's own services know the sale.
    private const long ScratchSaleId = long.MaxValue;

    private Sale Scratch { get; set; } = null!;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (options.Value.WarmUp)
            {
                await WarmUpAsync(stoppingToken);
            }
        }
        finally
        {
            readiness.MarkWarm();
            readiness.MarkFinished();
        }
    }

    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        await WhenStartedAsync(stoppingToken);

        // The shoppers' services are built now rather than by the first checkout and purchase, which would otherwise
        // wait for their constructors, their queues' writers and their instruments.
        _ = services.GetRequiredService<CheckoutService>();
        _ = services.GetRequiredService<PurchaseService>();

        var started = Stopwatch.GetTimestamp();
        var ran = await PassAsync(FirstPassEndpointRounds, stoppingToken);
        readiness.MarkWarm();
        LogWarm(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, JitInfo.GetCompiledMethodCount());

        // The first pass left the code it made hot in the JIT's instrumented tier, which the first rush would then
        // take to its final tier on the rush's own cores. Once more, after ready, so that a replica started before
        // the sale meets it with final code, and one started into a crowd joins it without waiting for this.
        if (ran)
        {
            started = Stopwatch.GetTimestamp();
            await PassAsync(Rounds, stoppingToken);
            LogFinal(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, JitInfo.GetCompiledMethodCount());
        }
    }

    // The hot paths' rounds, then until the JIT has compiled what they made hot; false when a dependency failed.
    private async Task<bool> PassAsync(int endpointRounds, CancellationToken stoppingToken)
    {
        try
        {
            // None of it is a shopper's request: no trace of it reaches the dashboard (the GETs carry WarmUpHeader).
            // Its own log lines, after the scope, do.
            using (SuppressInstrumentationScope.Begin())
            {
                var now = time.GetUtcNow();
                Scratch = new Sale(ScratchSaleId, now, now.AddMinutes(1), 1_000_000, 1_000_000);
                await using var shop = new ScratchShop(services, Scratch, _redis);
                await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => RunWorkerAsync(worker, shop, endpointRounds, stoppingToken)));
                await SettleAsync(stoppingToken);
            }

            return true;
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // A dependency that fails now fails the health check on its own; serving must not wait for it. A timeout
            // of its own (a GET on a busy machine) ends the warm-up, not the replica.
            LogWarmUpFailed(logger, exception);
            return false;
        }
        finally
        {
            using (SuppressInstrumentationScope.Begin())
            {
                await DeleteScratchKeysAsync();
            }
        }
    }

    private async Task RunWorkerAsync(int worker, ScratchShop shop, int endpointRounds, CancellationToken cancellationToken)
    {
        var user = $"warm-up-{worker}";
        using var http = OwnHttpClient();
        for (var round = 0; round < Rounds; round++)
        {
            var now = time.GetUtcNow();
            var item = new ItemId(Scratch.Id, worker * Rounds + round);
            var decision = await _redis.Holds.TryHoldAsync(Scratch, item, user, now, now.AddSeconds(2), cancellationToken);
            var code = decision?.Code ?? CheckoutCode.New();

            var throughEndpoints = round < endpointRounds;
            if (throughEndpoints)
            {
                // The hold again (200, the same code), now and then someone else's try (409, and a 400).
                await shop.CheckoutAsync(user, item.ToString(), cancellationToken);
                if (round % 10 == 0)
                {
                    await shop.CheckoutAsync($"{user}-other", item.ToString(), cancellationToken);
                    await shop.CheckoutAsync(user, "not-an-item", cancellationToken);
                }
            }

            await MirrorAsync(code, item, user, now, cancellationToken);
            if (throughEndpoints)
            {
                // The code bought, now mirrored (Redis answers), and a code no checkout gave (PostgreSQL finds none).
                await shop.PurchaseAsync(code, cancellationToken);
                await shop.PurchaseAsync(CheckoutCode.New(), cancellationToken);
            }
            else
            {
                _ = await ledger.RedeemAsync(CheckoutCode.New(), cancellationToken);
            }

            if (http is not null && round < HttpRounds)
            {
                await ReadSalesAsync(http, cancellationToken);
            }
        }
    }

    // What the purchase path tells Redis after a commit, on the scratch sale's keys.
    private Task<RedisResult> MirrorAsync(string code, ItemId item, string user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var receipt = new PurchaseReceipt(0, Scratch.Id, item.ToString(), user, now);
        return redis.ScriptAsync(
            RedisScript.PurchaseCommitted,
            _redis.Keys.PurchaseCommitted(code, Scratch.Id, item.Index, user),
            [receipt.ToJson(), item.Index, 2_000, code],
            cancellationToken);
    }

    private static async Task ReadSalesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        foreach (var path in (string[])["/sales/current", "/sales?limit=2", "/sales/1", "/sales/1/items?limit=10"])
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
        }
    }

    private HttpClient? OwnHttpClient()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal));
        if (address is null || !Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return null;
        }

        var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Add(Microsoft.Extensions.Hosting.Extensions.WarmUpHeader, "1");
        return http;
    }

    // Until the JIT has compiled nothing new for a moment: the tier-up of what the rounds made hot runs in the background.
    private static async Task SettleAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(MaxSettle.TotalSeconds * Stopwatch.Frequency);
        var compiled = JitInfo.GetCompiledMethodCount();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(QuietJit, cancellationToken);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == compiled)
            {
                return;
            }

            compiled = now;
        }
    }

    private async Task DeleteScratchKeysAsync()
    {
        var own = _redis.Keys;
        List<RedisKey> scratch = [own.Loaded(Scratch.Id), own.Sold(Scratch.Id)];
        for (var worker = 0; worker < Workers; worker++)
        {
            scratch.Add(own.UserHolds(Scratch.Id, $"warm-up-{worker}"));
            scratch.Add(own.UserPurchased(Scratch.Id, $"warm-up-{worker}"));
        }

        try
        {
            await redis.RunAsync("DEL", db => db.KeyDeleteAsync([.. scratch]), CancellationToken.None);
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            // They expire by themselves within the hour; nothing reads the scratch sale.
        }
    }

    public override void Dispose()
    {
        _redis.Dispose();
        base.Dispose();
    }

    private async Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource();
        await using var onStarted = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the hot paths in {Milliseconds:0} ms ({Methods} methods compiled); ready")]
    private static partial void LogWarm(ILogger logger, double milliseconds, long methods);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took the hot paths to their final tier in {Milliseconds:0} ms ({Methods} methods compiled)")]
    private static partial void LogFinal(ILogger logger, double milliseconds, long methods);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The warm-up stopped early; serving anyway")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}
