namespace FlashSale.AppHost.Storage;

// What the API needs from either substrate, under the same resource and connection-string names.
public sealed record StorageResources(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis)
{
    public const string PostgresName = "postgres";
    public const string DatabaseName = "flashsale";
    public const string RedisName = "redis";
}
