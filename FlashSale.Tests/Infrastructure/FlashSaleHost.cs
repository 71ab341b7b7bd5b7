using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Infrastructure;

// One in-process FlashSale API replica. Several hosts given the same database and Redis prefix behave as
// replicas of one deployment.
public sealed class FlashSaleHost(HostSettings settings) : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string ReplicaHeader = "X-FlashSale-Replica";

    public HostSettings Settings { get; } = settings;

    public ErrorLog Errors { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:flashsale", Settings.Database);
        builder.UseSetting("ConnectionStrings:redis", Settings.Redis);
        builder.UseSetting("FlashSale:RedisKeyPrefix", Settings.RedisPrefix);
        builder.UseSetting("FlashSale:AdminApiKey", AdminKey);
        builder.UseSetting("FlashSale:AutoStart", "false");
        // Tests start many replicas and count what they do; WarmUpTests runs the warm-up on its own.
        builder.UseSetting("FlashSale:WarmUp", "false");
        // No gateway probes these replicas: stopping one has nothing to wait for.
        builder.UseSetting("FlashSale:DrainDelay", "00:00:00");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
        foreach (var (key, value) in Settings.Overrides)
        {
            builder.UseSetting(key, value);
        }

        if (Settings.Time is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(Settings.Time));
        }

        if (Settings.Services is not null)
        {
            builder.ConfigureServices(Settings.Services);
        }
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }
}

public sealed record HostSettings(string Database, string Redis, string RedisPrefix)
{
    public Dictionary<string, string?> Overrides { get; init; } = [];

    public TimeProvider? Time { get; init; }

    public Action<IServiceCollection>? Services { get; init; }

    public static async Task<HostSettings> CreateAsync(Servers servers) =>
        new(await servers.CreateDatabaseAsync(), servers.RedisConnectionString, Servers.NewRedisPrefix());

    public HostSettings With(string key, string? value) => this with { Overrides = new(Overrides) { [key] = value } };
}
