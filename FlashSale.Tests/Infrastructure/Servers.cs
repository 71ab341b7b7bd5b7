using FlashSale.LocalServers;
using Npgsql;

namespace FlashSale.Tests.Infrastructure;

// The PostgreSQL and Redis every integration test runs against: real processes started from the locally
// installed binaries in a throw-away directory, or the servers named by ConnectionStrings__flashsale and
// ConnectionStrings__redis when those are set. Each test gets a database and a Redis key prefix of its own.
public sealed class Servers : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"flashsale-tests-{Guid.NewGuid():N}");
    private PostgresServer? _postgres;
    private RedisServer? _redis;
    private string _adminConnectionString = "";
    private int _databases;

    public string RedisConnectionString { get; private set; } = "";

    public string Directory => _directory;

    public async Task InitializeAsync()
    {
        var externalPostgres = Environment.GetEnvironmentVariable("ConnectionStrings__flashsale");
        var externalRedis = Environment.GetEnvironmentVariable("ConnectionStrings__redis");
        System.IO.Directory.CreateDirectory(_directory);

        if (string.IsNullOrEmpty(externalPostgres))
        {
            _postgres = await PostgresServer.StartAsync(new PostgresServerOptions
            {
                DataDirectory = Path.Combine(_directory, "postgres"),
                Durable = false,
                LogFile = Path.Combine(_directory, "postgres.log"),
            }, CancellationToken.None);
            _adminConnectionString = _postgres.ConnectionString;
        }
        else
        {
            _adminConnectionString = externalPostgres;
        }

        if (string.IsNullOrEmpty(externalRedis))
        {
            _redis = await StartRedisAsync("redis");
            RedisConnectionString = _redis.ConnectionString;
        }
        else
        {
            RedisConnectionString = externalRedis;
        }
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // A fresh, empty database; the API migrates it when it starts.
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"flashsale_test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    public static string NewRedisPrefix() => $"test-{Guid.NewGuid():N}"[..17];

    // A Redis of a test's own, for tests that stop and restart it.
    public Task<RedisServer> StartRedisAsync(string name) =>
        RedisServer.StartAsync(new RedisServerOptions
        {
            DataDirectory = Path.Combine(_directory, $"{name}-{Guid.NewGuid():N}"),
            Persistent = false,
            LogFile = Path.Combine(_directory, $"{name}.log"),
        }, CancellationToken.None);
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<Servers>
{
    public const string Name = "servers";
}
