using FlashSale.Tests.Scenarios;
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

    // Opens a sale and waits until every replica sees it: a replica remembers "no sale" for up to a second.
    public async Task<SaleDto> OpenSaleAsync(int totalItems, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null)
    {
        var sale = (await Admin.CreateSaleAsync(totalItems, startsAt, endsAt)).Ok();
        for (var replica = 0; replica < _hosts.Count; replica++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await Client(replica).CurrentSaleAsync()).Value?.Id != sale.Id)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Replica {replica} does not see sale {sale.Id}");
                await Task.Delay(50);
            }
        }

        return sale;
    }

    // The sale replica 0 reports as running, once it reports one other than `previous`.
    public async Task<SaleDto> WaitForCurrentSaleAsync(long? previous = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var reply = await Api.CurrentSaleAsync();
            if ((reply.Status == System.Net.HttpStatusCode.OK && reply.Value!.Id != previous) || DateTime.UtcNow > deadline)
            {
                return reply.Ok();
            }

            await Task.Delay(50);
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

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
