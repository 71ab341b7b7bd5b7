using System.Diagnostics;
using System.Globalization;
using FlashSale.Api.Configuration;
using FlashSale.Api.Problems;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using Microsoft.Extensions.Options;

namespace FlashSale.Api.Sales;

// Opens a sale in every window (AutoStart), ready before its first instant: SaleLeadTime ahead of the window the
// sale is created (listed as upcoming), its Redis state loaded, and every replica's CurrentSale told of it, so the
// crowd at the window's first millisecond is served by one Redis script like every later shopper. Every replica
// runs this; exactly one creates each sale: the Redis lock keeps the others from even generating the stock, and
// the exclusion constraint on sales makes any second creation a no-op even when Redis is down. A replica that
// starts mid-window finds or creates that window's sale first. While storage fails, preparing is retried until it
// succeeds, so a sale whose preparation an outage delayed opens as soon as storage answers.
public sealed partial class SaleScheduler(
    SaleRepository sales,
    CurrentSale currentSale,
    RedisSaleState redisState,
    RedisLock locks,
    IOptions<FlashSaleOptions> options,
    TimeProvider time,
    ILogger<SaleScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ContentionPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan FailurePause = TimeSpan.FromSeconds(1);
    private const int ContendedChecks = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.AutoStart)
        {
            return;
        }

        var duration = options.Value.SaleDuration;
        var lead = options.Value.EffectiveSaleLeadTime;
        var window = SaleCalendar.WindowAt(time.GetUtcNow(), duration);
        while (!stoppingToken.IsCancellationRequested)
        {
            await PrepareAsync(window, stoppingToken);

            window = new SaleWindow(window.EndsAt, window.EndsAt + duration);
            var untilPreparation = window.StartsAt - lead - time.GetUtcNow();
            if (untilPreparation > TimeSpan.Zero)
            {
                await Task.Delay(untilPreparation, time, stoppingToken);
            }
        }
    }

    // Makes the window's sale exist, loaded in Redis and known to this replica; retried while storage fails, and
    // given up once the window is over (a replica that slept through it moves on to the window of now).
    private async Task PrepareAsync(SaleWindow window, CancellationToken cancellationToken)
    {
        var saleReady = false;
        while (time.GetUtcNow() < window.EndsAt)
        {
            // A trace of its own per try, so its PostgreSQL and Redis spans and its log lines read together.
            using var activity = ActivitySources.Sales.StartActivity("sale prepare");
            activity?.SetTag("flashsale.sale.starts_at", window.StartsAt.ToString("o", CultureInfo.InvariantCulture));
            try
            {
                if (!saleReady)
                {
                    await EnsureSaleAsync(window, cancellationToken);
                    saleReady = true;
                }

                if (await LoadIntoRedisAsync(window, cancellationToken))
                {
                    return;
                }

                LogRedisNotLoaded(logger, window.StartsAt);
            }
            catch (Exception exception) when (DependencyFailureHandler.IsDependencyFailure(exception))
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                LogSaleCreationFailed(logger, window.StartsAt, exception);
            }

            await Task.Delay(FailurePause, cancellationToken);
        }
    }

    // True when Redis holds the sale open at the window's start (or no sale is: an admin's sale covers part of it).
    private async Task<bool> LoadIntoRedisAsync(SaleWindow window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await currentSale.RefreshAsync(now, cancellationToken);
        var sale = await sales.FindOpenAtAsync(window.StartsAt, cancellationToken);
        return sale is null || await redisState.PreloadAsync(sale, now, cancellationToken);
    }

    public async Task EnsureSaleAsync(SaleWindow window, CancellationToken cancellationToken)
    {
        for (var check = 0; ; check++)
        {
            if (await sales.AnyOverlappingAsync(window, cancellationToken))
            {
                return;
            }

            var (outcome, lease) = await locks.TryAcquireAsync(
                RedisLock.SaleCreation, window.StartsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), LockTtl, cancellationToken);
            if (outcome == LockOutcome.Contended && check < ContendedChecks)
            {
                await Task.Delay(ContentionPause, cancellationToken);
                continue;
            }

            await using (lease)
            {
                var created = await sales.CreateAsync(window, options.Value.ItemsPerSale, options.Value.MaxItemsPerUser, cancellationToken);
                if (created is not null)
                {
                    LogSaleCreated(logger, created.Id, created.StartsAt, created.EndsAt, created.TotalItems);
                }
            }

            return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created sale {SaleId} for {StartsAt:o} to {EndsAt:o} with {TotalItems} items")]
    private static partial void LogSaleCreated(ILogger logger, long saleId, DateTimeOffset startsAt, DateTimeOffset endsAt, int totalItems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ensure the sale of the window starting {StartsAt:o}; retrying")]
    private static partial void LogSaleCreationFailed(ILogger logger, DateTimeOffset startsAt, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the sale of the window starting {StartsAt:o} into Redis; retrying")]
    private static partial void LogRedisNotLoaded(ILogger logger, DateTimeOffset startsAt);
}
