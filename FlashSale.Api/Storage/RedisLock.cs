using System.Diagnostics;
using FlashSale.Api.Telemetry;
using StackExchange.Redis;

namespace FlashSale.Api.Storage;

public enum LockOutcome
{
    Acquired,
    Contended,
    Unavailable,
}

// A single-instance Redis lock (SET NX PX with a random token, released only by its owner). It keeps
// replicas from doing the same work twice; correctness never rests on it, PostgreSQL constraints do.
public sealed class RedisLock(RedisCommands redis, RedisKeys keys, LockMetrics metrics)
{
    public const string SaleCreation = "sale_creation";
    public const string RedisRebuild = "redis_rebuild";
    public const string Contended = "contended";
    public const string Unavailable = "error";

    public async Task<(LockOutcome Outcome, LockLease? Lease)> TryAcquireAsync(
        string lockType, string resource, TimeSpan ttl, CancellationToken cancellationToken)
    {
        metrics.Attempted(lockType);
        var key = keys.Lock(lockType, resource);
        var token = Guid.NewGuid().ToString("N");
        try
        {
            var acquired = await redis.RunAsync("lock_acquire", db => db.StringSetAsync(key, token, ttl, When.NotExists), cancellationToken);
            if (!acquired)
            {
                metrics.Failed(lockType, Contended);
                return (LockOutcome.Contended, null);
            }
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            metrics.Failed(lockType, Unavailable);
            return (LockOutcome.Unavailable, null);
        }

        metrics.Acquired(lockType);
        return (LockOutcome.Acquired, new LockLease(this, lockType, key, token));
    }

    private async Task ReleaseAsync(LockLease lease)
    {
        metrics.Released(lease.LockType, Stopwatch.GetElapsedTime(lease.AcquiredAt));
        try
        {
            await redis.ScriptAsync(RedisScript.ReleaseLock, [lease.Key], [lease.Token], CancellationToken.None);
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            // The lease expires by itself.
        }
    }

    public sealed class LockLease(RedisLock owner, string lockType, RedisKey key, string token) : IAsyncDisposable
    {
        public string LockType { get; } = lockType;

        public RedisKey Key { get; } = key;

        public string Token { get; } = token;

        public long AcquiredAt { get; } = Stopwatch.GetTimestamp();

        public ValueTask DisposeAsync() => new(owner.ReleaseAsync(this));
    }
}
