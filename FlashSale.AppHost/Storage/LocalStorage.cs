namespace FlashSale.AppHost.Storage;

public static class LocalStorage
{
    public static StorageResources AddLocalStorage(this IDistributedApplicationBuilder builder, DataFolder data) =>
        new(builder.AddLocalPostgres(data), builder.AddLocalRedis(data));
}
