namespace FlashSale.AppHost.Storage;

public sealed class LocalRedisResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}

// redis-server from the installed package, on localhost only and its own port (LocalPorts), appending every write
// to its file in the data folder (fsync every second) so that holds and counters survive a restart of the stack.
public static class LocalRedis
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, DataFolder data)
    {
        var folder = data.Subfolder("redis");
        Directory.CreateDirectory(folder);
        var redis = builder.AddResource(new LocalRedisResource(StorageResources.RedisName, LocalPrograms.Required("redis-server", "redis-server"), folder))
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", port: LocalPorts.Free("Redis"), isProxied: false);
        var endpoint = redis.Resource.Endpoint;
        return redis
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithArgs("--bind", "127.0.0.1 -::1", "--protected-mode", "no", "--daemonize", "no", "--dir", folder,
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "")
            .WithRedisReadiness();
    }
}
