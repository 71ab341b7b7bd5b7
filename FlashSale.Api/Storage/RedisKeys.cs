using FlashSale.Api.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Api.Storage;

// Every Redis key FlashSale uses. Per-sale keys share the prefix "{prefix}:sale:{id}:"; user ids are
// validated to a safe alphabet before they get here.
public sealed class RedisKeys
{
    private readonly string _prefix;

    public RedisKeys(IOptions<FlashSaleOptions> options)
        : this(options.Value.RedisKeyPrefix)
    {
    }

    private RedisKeys(string prefix) => _prefix = prefix;

    // Keys no other replica uses, under the same prefix: "{prefix}:warm-up:{random}:sale:{id}:...".
    public RedisKeys ForWarmUp() => new($"{_prefix}:warm-up:{Guid.NewGuid():N}");

    public string SalePrefix(long saleId) => $"{_prefix}:sale:{saleId}:";

    public string PurchasePrefix => $"{_prefix}:purchase:";

    public RedisKey Loaded(long saleId) => SalePrefix(saleId) + "loaded";

    public RedisKey Sold(long saleId) => SalePrefix(saleId) + "sold";

    public RedisKey Hold(long saleId, int itemIndex) => SalePrefix(saleId) + "hold:" + itemIndex;

    public RedisKey UserHolds(long saleId, string userId) => SalePrefix(saleId) + "user:" + userId + ":holds";

    // A set of the item indexes the user bought. Not ":bought", the counter older versions kept: a Redis they left
    // must not answer WRONGTYPE.
    public RedisKey UserPurchased(long saleId, string userId) => SalePrefix(saleId) + "user:" + userId + ":purchased";

    public RedisKey Purchase(string code) => PurchasePrefix + code;

    // The keys purchase_committed.lua writes, in its KEYS order.
    public RedisKey[] PurchaseCommitted(string code, long saleId, int itemIndex, string userId) =>
        [Purchase(code), Sold(saleId), Hold(saleId, itemIndex), UserHolds(saleId, userId), UserPurchased(saleId, userId)];

    public RedisKey Lock(string lockType, string resource) => $"{_prefix}:lock:{lockType}:{resource}";
}
