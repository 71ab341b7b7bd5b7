using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using StackExchange.Redis;

namespace FlashSale.Api.Checkout;

// checkout_hold.lua's KEYS and ARGV named slot by slot, and its reply read back into a HoldDecision; the script's
// header says what each slot means to it.
public static class CheckoutHoldScript
{
    public const string NotLoaded = "not_loaded";

    public static RedisKey[] Keys(RedisKeys keys, Sale sale, ItemId item, string userId) =>
    [
        keys.Loaded(sale.Id),
        keys.Sold(sale.Id),
        keys.Hold(sale.Id, item.Index),
        keys.UserHolds(sale.Id, userId),
        keys.UserPurchased(sale.Id, userId),
    ];

    public static RedisValue[] Arguments(Sale sale, ItemId item, string userId, string newCode, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var expiresMs = expiresAt.ToUnixTimeMilliseconds();
        return
        [
            item.Index,
            userId,
            newCode,
            nowMs,
            expiresMs,
            sale.MaxItemsPerUser,
            RedisSaleState.KeyLifetimeMilliseconds(sale, now),
            Math.Max(1, expiresMs - nowMs),
        ];
    }

    // Null when the sale is not loaded in Redis; otherwise {outcome} or {"ok", code, expires ms, "new"|"existing"}.
    public static HoldDecision? Read(RedisResult reply)
    {
        var result = (RedisResult[])reply!;
        return (string)result[0]! switch
        {
            NotLoaded => null,
            CheckoutAttempt.Granted => new HoldDecision(
                CheckoutAttempt.Granted,
                Code: (string)result[1]!,
                ExpiresAt: DateTimeOffset.FromUnixTimeMilliseconds((long)result[2]),
                IsNew: (string)result[3]! == "new"),
            var refusal => HoldDecision.Refused(refusal),
        };
    }
}
