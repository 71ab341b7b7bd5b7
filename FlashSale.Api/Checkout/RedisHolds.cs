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
                var reply = await redis.ScriptAsync(
                    RedisScript.CheckoutHold,
                    CheckoutHoldScript.Keys(keys, sale, item, userId),
                    CheckoutHoldScript.Arguments(sale, item, userId, CheckoutCode.New(), now, expiresAt),
                    cancellationToken);
                if (CheckoutHoldScript.Read(reply) is { } decision)
                {
                    return decision;
                }

                // Not loaded (Redis lost it, or it was marked stale): load it and decide once more.
                if (!await saleState.LoadAsync(sale, now, cancellationToken))
                {
                    return null;
                }
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
