using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using StackExchange.Redis;

namespace FlashSale.Api.Checkout;

// Holds in Redis: one script decides a checkout atomically in a single round trip. Returns null when Redis
// cannot decide (unreachable, or its state for the sale is being rebuilt by another replica); the caller
// then lets PostgreSQL decide.
public sealed partial class RedisHolds(RedisCommands redis, RedisKeys keys, RedisSaleState saleState, ILogger<RedisHolds> logger)
{
    public async Task<HoldDecision?> TryHoldAsync(
        Sale sale, ItemId item, string userId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (!await saleState.EnsureUsableAsync(sale, cancellationToken))
        {
            return null;
        }

        try
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var result = (RedisResult[])(await redis.ScriptAsync(
                    RedisScript.CheckoutHold,
                    [keys.Loaded(sale.Id), keys.Sold(sale.Id), keys.Hold(sale.Id, item.Index), keys.UserHolds(sale.Id, userId), keys.UserPurchased(sale.Id, userId)],
                    [item.Index, userId, CheckoutCode.New(), now.ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds(),
                        sale.MaxItemsPerUser, RedisSaleState.KeyLifetimeMilliseconds(sale, now)],
                    cancellationToken))!;

                var outcome = (string)result[0]!;
                if (outcome == "not_loaded")
                {
                    if (!await saleState.LoadAsync(sale, now, cancellationToken))
                    {
                        return null;
                    }

                    continue;
                }

                return outcome == CheckoutAttempt.Granted
                    ? new HoldDecision(outcome, (string)result[1]!, DateTimeOffset.FromUnixTimeMilliseconds((long)result[2]), (string)result[3]! == "new")
                    : HoldDecision.Refused(outcome);
            }

            return null;
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            saleState.MarkStale();
            LogRedisUnavailable(logger, exception.Message);
            return null;
        }
    }

    // Gives the item back when the checkout could not be stored and the shopper never got the code.
    public async Task ReleaseAsync(Sale sale, ItemId item, string userId, string code, CancellationToken cancellationToken)
    {
        try
        {
            await redis.ScriptAsync(RedisScript.ReleaseHold, [keys.Hold(sale.Id, item.Index), keys.UserHolds(sale.Id, userId)], [code, item.Index], cancellationToken);
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            saleState.MarkStale();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis could not decide a checkout ({Reason}); PostgreSQL decides instead")]
    private static partial void LogRedisUnavailable(ILogger logger, string reason);
}
