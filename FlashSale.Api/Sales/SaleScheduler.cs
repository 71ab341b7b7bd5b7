using FlashSale.Api.Configuration;
using FlashSale.Api.Problems;
using FlashSale.Api.Storage;
using Microsoft.Extensions.Options;

namespace FlashSale.Api.Sales;

// Opens a sale at the start of every window (AutoStart). Every replica runs this; exactly one creates each
// sale: the Redis lock keeps the others from even generating the stock, and the exclusion constraint on
// sales makes any second creation a no-op even when Redis is down. A replica that starts mid-window finds
// or creates that window's sale.
public sealed partial class SaleScheduler(
    SaleRepository sales,
    CurrentSale currentSale,
    RedisLock locks,
    IOptions<FlashSaleOptions> options,
    TimeProvider time,
    ILogger<SaleScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ContentionPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan FailurePause = TimeSpan.FromSeconds(2);
    private const int ContendedChecks = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.AutoStart)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var window = SaleCalendar.WindowAt(time.GetUtcNow(), options.Value.SaleDuration);
            try
            {
                await EnsureSaleAsync(window, stoppingToken);
            }
            catch (Exception exception) when (DependencyFailureHandler.IsDependencyFailure(exception))
            {
                LogSaleCreationFailed(logger, window.StartsAt, exception);
                await Task.Delay(FailurePause, stoppingToken);
                continue;
            }

            var untilNextWindow = window.EndsAt - time.GetUtcNow();
            if (untilNextWindow > TimeSpan.Zero)
            {
                await Task.Delay(untilNextWindow, time, stoppingToken);
            }
        }
    }

    public async Task EnsureSaleAsync(SaleWindow window, CancellationToken cancellationToken)
    {
        for (var check = 0; ; check++)
        {
            if (await sales.AnyOverlappingAsync(window, cancellationToken))
            {
                currentSale.Forget();
                return;
            }

            var (outcome, lease) = await locks.TryAcquireAsync(
                RedisLock.SaleCreation, window.StartsAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                LockTtl, cancellationToken);
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

            currentSale.Forget();
            return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created sale {SaleId} for {StartsAt:o} to {EndsAt:o} with {TotalItems} items")]
    private static partial void LogSaleCreated(ILogger logger, long saleId, DateTimeOffset startsAt, DateTimeOffset endsAt, int totalItems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ensure the sale of the window starting {StartsAt:o}; retrying")]
    private static partial void LogSaleCreationFailed(ILogger logger, DateTimeOffset startsAt, Exception exception);
}
