namespace FlashSale.Api.Configuration;

public sealed class FlashSaleOptions
{
    public const string SectionName = "FlashSale";
    public const string PostgresConnectionName = "flashsale";
    public const string RedisConnectionName = "redis";

    public int ItemsPerSale { get; set; } = 10_000;

    public TimeSpan SaleDuration { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan CheckoutHold { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxItemsPerUser { get; set; } = 10;

    // True: a sale opens every SaleDuration, aligned to the clock. False: sales come only from the admin API.
    public bool AutoStart { get; set; } = true;

    // Admin routes are off (404) while this is unset or blank.
    public string? AdminApiKey { get; set; }

    // Lets several FlashSale deployments (or test runs) share one Redis without seeing each other's keys.
    public string RedisKeyPrefix { get; set; } = "flashsale";

    // How long the group-commit writers gather requests before writing them in one statement.
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(1);

    public int MaxBatchSize { get; set; } = 1000;

    // Sent back in the X-FlashSale-Replica header, so that one can see which replica answered behind a proxy.
    public string ReplicaName { get; set; } = Environment.MachineName;
}
