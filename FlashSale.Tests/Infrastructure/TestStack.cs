using System.Net;
using FlashSale.Api.Checkout;
using FlashSale.Api.Sales;
using FlashSale.Api.WarmUp;
using FlashSale.Tests.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlashSale.Tests.Infrastructure;

// One test's FlashSale: its own database and Redis prefix, one or more API replicas on them, and direct
// SQL access to check what PostgreSQL, the source of truth, holds.
public sealed class TestStack : IAsyncDisposable
{
    private readonly List<FlashSaleHost> _hosts = [];
    private readonly NpgsqlDataSource _database;

    private TestStack(HostSettings settings, int replicas)
    {
        Settings = settings;
        _database = NpgsqlDataSource.Create(settings.Database);
        for (var i = 0; i < replicas; i++)
        {
            _hosts.Add(new FlashSaleHost(settings));
        }
    }

    public HostSettings Settings { get; }

    public IReadOnlyList<FlashSaleHost> Hosts => _hosts;

    public FlashSaleHost Host => _hosts[0];

    public FlashSaleClient Api => Client(0);

    public FlashSaleClient Admin => new(Host.CreateAdminClient());

    public static async Task<TestStack> StartAsync(Servers servers, Func<HostSettings, HostSettings>? configure = null, int replicas = 1)
    {
        var settings = await HostSettings.CreateAsync(servers);
        var stack = new TestStack(configure?.Invoke(settings) ?? settings, replicas);
        await Task.WhenAll(stack._hosts.Select(host => Task.Run(() => _ = host.Server)));
        return stack;
    }

    public FlashSaleClient Client(int replica) => new(_hosts[replica].CreateClient());

    public IEnumerable<FlashSaleClient> Clients => Enumerable.Range(0, _hosts.Count).Select(Client);

    // Opens a sale and waits until every replica runs it.
    public async Task<SaleDto> OpenSaleAsync(int totalItems, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null)
    {
        var sale = (await Admin.CreateSaleAsync(totalItems, startsAt, endsAt)).Ok();
        await FlashSaleClient.WaitUntilEachRunsAsync(Clients, sale);
        return sale;
    }

    // Until every replica's /health answers `wanted`.
    public async Task WaitForHealthAsync(HttpStatusCode wanted = HttpStatusCode.OK)
    {
        foreach (var replica in Clients)
        {
            await replica.HealthOnceAsync(wanted);
        }
    }

    // Until the first replica's warm-up has run its pass after ready too.
    public Task WarmUpFinishedAsync() => Host.Services.GetRequiredService<WarmUpHealthCheck>().Finished.WaitAsync(Waiting.Patience);

    // What Redis itself decides for a checkout through a replica (reloading the sale first if the replica found it
    // stale), past what the replica knows sold by itself; null when Redis cannot decide. A granted hold is not stored.
    public async Task<string?> RedisDecidesAsync(long saleId, int index, string userId, int replica = 0)
    {
        var services = _hosts[replica].Services;
        var now = DateTimeOffset.UtcNow;
        var sale = await services.GetRequiredService<CurrentSale>().GetAsync(now, default);
        Assert.Equal(saleId, sale?.Id);
        var decision = await services.GetRequiredService<RedisHolds>().TryHoldAsync(sale!, new ItemId(saleId, index), userId, now, now.AddMinutes(1), default);
        return decision?.Outcome;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public ValueTask<NpgsqlConnection> OpenConnectionAsync() => _database.OpenConnectionAsync();

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private NpgsqlCommand Command(string sql, object[] parameters)
    {
        var command = _database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
