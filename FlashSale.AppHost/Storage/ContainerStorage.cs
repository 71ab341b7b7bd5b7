namespace FlashSale.AppHost.Storage;

public static class ContainerStorage
{
    // Pinned images; PostgreSQL keeps its data in a named volume between runs, Redis appends to its own.
    public static StorageResources AddContainerStorage(this IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres(StorageResources.PostgresName)
            .WithImageTag("15.14")
            .WithDataVolume("flashsale-postgres");
        var database = postgres.AddDatabase(StorageResources.DatabaseName);
        var redis = builder.AddRedis(StorageResources.RedisName)
            .WithImageTag("7.4.5")
            .WithDataVolume("flashsale-redis")
            .WithPersistence();
        return new StorageResources(database, redis,
            new ServerAccess(postgres.Resource.PrimaryEndpoint, postgres.Resource.PasswordParameter),
            new ServerAccess(redis.Resource.PrimaryEndpoint, redis.Resource.PasswordParameter));
    }
}
