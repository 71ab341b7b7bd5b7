extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlashSale.Tests.Infrastructure;

// The PostgreSQL and Redis every integration test runs against, started by FlashSale.AppHost itself through
// Aspire.Hosting.Testing (local executables on this machine), with only its storage resources and a data folder
// of the fixture's own, deleted afterwards. Each test gets a database and a Redis key prefix of its own.
public sealed class Servers : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private static readonly HashSet<string> StorageResources = ["postgres", "postgres-init", "flashsale", "redis"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"flashsale-tests-{Guid.NewGuid():N}");
    private DistributedApplication? _app;
    private string _adminConnectionString = "";
    private int _databases;

    public string RedisConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.FlashSale_AppHost>(
            [$"--Stack:DataDirectory={_directory}", "--Stack:Substrate=executables"], timeout.Token);
        foreach (var resource in builder.Resources.Where(r => r is not ParameterResource && !StorageResources.Contains(r.Name)).ToList())
        {
            builder.Resources.Remove(resource);
        }

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("redis", timeout.Token);
        await _app.ResourceNotifications.WaitForResourceAsync("flashsale", KnownResourceStates.Running, timeout.Token);
        _adminConnectionString = new NpgsqlConnectionStringBuilder(await _app.GetConnectionStringAsync("postgres", timeout.Token)) { Database = "postgres", Pooling = false }.ConnectionString;
        RedisConnectionString = (await _app.GetConnectionStringAsync("redis", timeout.Token))!;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
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

    // Stops the shared Redis through the orchestrator, as an outage. The tests of a collection run one at a time, so
    // no other test sees it.
    public async Task StopRedisAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var result = await App.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(result.Success, $"Redis did not stop: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync("redis", [KnownResourceStates.Exited, KnownResourceStates.Finished], timeout.Token);
    }

    // Starts it again with no data, as a Redis that lost everything.
    public async Task StartRedisEmptyAsync()
    {
        var appendOnly = Path.Combine(_directory, "redis", "appendonlydir");
        if (Directory.Exists(appendOnly))
        {
            Directory.Delete(appendOnly, recursive: true);
        }

        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAndWaitHealthyAsync("redis", timeout.Token);
    }

    public int ProcessIdOf(string resource) => App.ProcessIdOf(resource);

    // Pauses Redis (SIGSTOP): its socket stays open and every command hangs, unlike a stopped Redis that refuses.
    public async Task<IAsyncDisposable> PauseRedisAsync()
    {
        var pid = ProcessIdOf("redis");
        await Signals.SendAsync(pid, "STOP");
        return new Resume([pid]);
    }

    // Kills Redis without warning (SIGKILL), as a crash, and waits until the orchestrator sees it gone.
    public async Task KillRedisAsync()
    {
        await Signals.SendAsync(ProcessIdOf("redis"), "KILL");
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceAsync("redis", [KnownResourceStates.Exited, KnownResourceStates.Finished], timeout.Token);
    }

    // After a fault test, whatever happened: Redis runs again (empty if it had to be started) and is healthy.
    public async Task EnsureRedisRunningAsync()
    {
        if (!App.ResourceNotifications.TryGetCurrentState("redis", out var state) || state.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            await StartRedisEmptyAsync();
        }

        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("redis", timeout.Token);
    }

    // Stops PostgreSQL as an operator would in a hurry (SIGINT: fast shutdown, every session cut).
    public async Task StopPostgresAsync()
    {
        await Signals.SendAsync(ProcessIdOf("postgres"), "INT");
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceAsync("postgres", [KnownResourceStates.Exited, KnownResourceStates.Finished], timeout.Token);
    }

    // Pauses PostgreSQL (SIGSTOP to the postmaster and every backend): connections stay open, nothing answers. The
    // postmaster stops first, so no backend it lists can be reaped (its pid gone) before it is stopped and resumed;
    // it resumes last, after its backends.
    public async Task<IAsyncDisposable> PausePostgresAsync()
    {
        var postmaster = ProcessIdOf("postgres");
        await Signals.SendAsync(postmaster, "STOP");
        int[] backends = [.. Signals.ChildrenOf(postmaster)];
        foreach (var pid in backends)
        {
            await Signals.SendAsync(pid, "STOP");
        }

        return new Resume([.. backends, postmaster]);
    }

    // After a fault test, whatever happened: PostgreSQL runs again (on its data) and is healthy.
    public async Task EnsurePostgresRunningAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        if (!App.ResourceNotifications.TryGetCurrentState("postgres", out var state) || state.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            await App.StartAndWaitHealthyAsync("postgres", timeout.Token);
        }

        await App.ResourceNotifications.WaitForResourceHealthyAsync("postgres", timeout.Token);
    }

    private sealed class Resume(int[] processes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var pid in processes)
            {
                await Signals.SendAsync(pid, "CONT");
            }
        }
    }

    private DistributedApplication App => _app ?? throw new InvalidOperationException("The servers have not started");
}

[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<Servers>
{
    public const string Name = "servers";
}

// For tests whose assertion is about the whole test process's telemetry (a trace budget is per second and process):
// they run alone, after every other collection, on servers of their own, so no other test's requests take from it.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoloServersCollection : ICollectionFixture<Servers>
{
    public const string Name = "servers-solo";
}
