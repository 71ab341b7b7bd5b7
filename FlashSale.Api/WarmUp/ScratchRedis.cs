using FlashSale.Api.Checkout;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;

namespace FlashSale.Api.WarmUp;

// The shoppers' Redis code for the warm-up's scratch sale, on keys of this replica's own and with a lock counted into
// meters nobody reads. Replicas warming up at once neither load nor delete each other's scratch sale, and their
// workers' race to load it is no lock contention an operator is paged for. Its sale state is its own too: the second
// pass runs beside shoppers, and a Redis failure they noted must be left for their sale's reload.
internal sealed class ScratchRedis : IDisposable
{
    public ScratchRedis(IServiceProvider services, RedisKeys keys)
    {
        Keys = keys.ForWarmUp();
        var locks = ActivatorUtilities.CreateInstance<RedisLock>(services, Keys, new LockMetrics(Meters));
        SaleState = ActivatorUtilities.CreateInstance<RedisSaleState>(services, Keys, locks);
        Holds = ActivatorUtilities.CreateInstance<RedisHolds>(services, Keys, SaleState);
    }

    public UnheardMeters Meters { get; } = new();

    public RedisKeys Keys { get; }

    public RedisSaleState SaleState { get; }

    public RedisHolds Holds { get; }

    public void Dispose() => Meters.Dispose();
}
