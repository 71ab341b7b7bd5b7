namespace FlashSale.AppHost.Storage;

public static class LocalStorage
{
    public static StorageResources AddLocalStorage(this IDistributedApplicationBuilder builder, DataFolder data)
    {
        var database = builder.AddLocalPostgres(data);
        var redis = builder.AddLocalRedis(data);
        return new StorageResources(database, redis,
            new ServerAccess(database.Resource.Parent.Endpoint, null), new ServerAccess(redis.Resource.Endpoint, null));
    }
}
