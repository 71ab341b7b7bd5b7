namespace FlashSale.AppHost.Storage;

// What the API needs from either substrate, under the same resource and connection-string names, and how the
// servers' exporters reach the servers themselves.
public sealed record StorageResources(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    ServerAccess PostgresServer,
    ServerAccess RedisServer)
{
    public const string PostgresName = "postgres";
    public const string DatabaseName = "flashsale";
    public const string RedisName = "redis";

    // The superuser both substrates' PostgreSQL has (Aspire's container names it so by default).
    public const string PostgresUser = "postgres";
}

// A server's endpoint and password, for an agent that watches the server itself rather than the data the API
// keeps in it; the local servers have no password (they trust connections from this machine).
public sealed record ServerAccess(EndpointReference Endpoint, ParameterResource? Password);
