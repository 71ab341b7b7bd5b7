namespace FlashSale.Api.Configuration;

public sealed class FlashSaleOptions
{
    public const string SectionName = "FlashSale";
    public const string PostgresConnectionName = "flashsale";
    public const string RedisConnectionName = "redis";

    public static readonly TimeSpan DefaultSaleLeadTime = TimeSpan.FromMinutes(5);

    public int ItemsPerSale { get; set; } = 10_000;

    public TimeSpan SaleDuration { get; set; } = TimeSpan.FromHours(1);

    // How long before its window each hourly sale is created, listed as upcoming and loaded into Redis, so the
    // crowd at the window's first millisecond finds it ready. Unset: five minutes, or half the sale's duration
    // when that is shorter.
    public TimeSpan? SaleLeadTime { get; set; }

    public TimeSpan EffectiveSaleLeadTime =>
        SaleLeadTime ?? (SaleDuration / 2 < DefaultSaleLeadTime ? SaleDuration / 2 : DefaultSaleLeadTime);

    public TimeSpan CheckoutHold { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxItemsPerUser { get; set; } = 10;

    // True: a sale opens every SaleDuration, aligned to the clock. False: sales come only from the admin API.
    public bool AutoStart { get; set; } = true;

    // True: a replica runs its hot paths (HotPathWarmUp) before GET /health reports it ready.
    public bool WarmUp { get; set; } = true;

    // Admin routes are off (404) while this is unset or blank.
    public string? AdminApiKey { get; set; }

    // Lets several FlashSale deployments (or test runs) share one Redis without seeing each other's keys.
    public string RedisKeyPrefix { get; set; } = "flashsale";

    // How long the group-commit writers gather requests before writing them in one statement.
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(1);

    public int MaxBatchSize { get; set; } = 1000;

    // At stop, how long a replica keeps serving after GET /alive turns 503, so that the gateway (probing /alive every
    // second) takes it out of rotation before it stops accepting connections (Health/ShutdownDrain).
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(3);

    // Per-client and per-user request limits; off unless configured.
    public RateLimitOptions RateLimit { get; set; } = new();

    // Sent back in the X-FlashSale-Replica header, so that one can see which replica answered behind a proxy.
    public string ReplicaName { get; set; } = Environment.MachineName;
}

// A fixed window per client (remote IP) and per user id: at most PerClient requests from one client, and at most
// PerUser requests naming one user id, in each Window. 0 turns a limit off; both are off by default.
public sealed class RateLimitOptions
{
    public int PerClient { get; set; }

    public int PerUser { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    // Proxies (IP addresses) whose X-Forwarded-For names the client. None by default: the client is the
    // connection's remote address, which a client cannot forge.
    public string[] TrustedProxies { get; set; } = [];

    public bool Enabled => PerClient > 0 || PerUser > 0;
}
