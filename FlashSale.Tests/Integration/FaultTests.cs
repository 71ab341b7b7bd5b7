using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Xunit.Abstractions;

namespace FlashSale.Tests.Integration;

// Real processes broken under a buying crowd: each test breaks the shared PostgreSQL or Redis mid-sale (no other
// test runs meanwhile: one collection), repairs it, puts it back whatever happened, and then checks what the crowd
// saw and what PostgreSQL holds (CrowdInvariants).
[Collection(ServersCollection.Name)]
public sealed class FaultTests(Servers servers, ITestOutputHelper output)
{
    private const int Items = 400;
    private const int Shoppers = 40;
    private const int Limit = 12;

    // Redis dies without warning (SIGKILL) and comes back empty: checkouts fall back to PostgreSQL meanwhile, and
    // Redis is reloaded from it before it decides again. Shoppers see no 503 at all.
    [Fact]
    public Task RedisKilledMidSaleAndRestartedEmptyLosesNothing() => SellThroughAsync(
        async (crowd, _) =>
        {
            await servers.KillRedisAsync();
            var atKill = crowd.Receipts;
            await crowd.WaitUntilAsync(c => c.Receipts >= atKill + Items / 10, "sales going on without Redis");
            await servers.StartRedisEmptyAsync();
        },
        servers.EnsureRedisRunningAsync,
        dependencyUnavailableAllowed: false);

    // Redis hangs (SIGSTOP) instead of refusing: each command waits for its timeout, then PostgreSQL decides.
    [Fact]
    public Task RedisPausedMidSaleSlowsSellingButBreaksNothing() => SellThroughAsync(
        async (crowd, stack) =>
        {
            await using (await servers.PauseRedisAsync())
            {
                var atPause = crowd.Receipts;
                await crowd.WaitUntilAsync(c => c.Receipts >= atPause + Items / 20, "sales going on while Redis hangs");
                await stack.WaitForHealthAsync(HttpStatusCode.ServiceUnavailable);
            }
        },
        servers.EnsureRedisRunningAsync,
        dependencyUnavailableAllowed: false);

    // PostgreSQL stops (fast shutdown) and starts again on its data: meanwhile every answer that needs it is a clean
    // 503, and nothing is acknowledged that it does not hold.
    [Fact]
    public Task PostgresStoppedMidSaleAndStartedAgainAcknowledgesOnlyWhatItStored() => SellThroughAsync(
        async (crowd, stack) =>
        {
            await servers.StopPostgresAsync();
            await crowd.WaitUntilAsync(c => c.Answers.Count(a => a.Status == 503) >= 20, "503s while PostgreSQL is down");
            await stack.WaitForHealthAsync(HttpStatusCode.ServiceUnavailable);
            await servers.EnsurePostgresRunningAsync();
        },
        servers.EnsurePostgresRunningAsync,
        dependencyUnavailableAllowed: true);

    // PostgreSQL hangs (SIGSTOP): requests wait for the command timeout, then answer 503; none waits forever.
    [Fact]
    public Task PostgresPausedMidSaleAnswersWithinTheTimeout() => SellThroughAsync(
        async (crowd, stack) =>
        {
            await using (await servers.PausePostgresAsync())
            {
                await stack.WaitForHealthAsync(HttpStatusCode.ServiceUnavailable);
                await crowd.WaitUntilAsync(c => c.Answers.Any(a => a.Status == 503), "a 503 while PostgreSQL hangs");
            }
        },
        servers.EnsurePostgresRunningAsync,
        dependencyUnavailableAllowed: true);

    // One of two replicas (real processes) dies without warning mid-sale: what it acknowledged is stored, the other
    // replica sells on, and the holds it granted to nobody return to sale when they expire.
    [Fact]
    public async Task OneOfTwoReplicasKilledMidSaleLosesNoAcknowledgedWrite()
    {
        await using var replicas = await ReplicaProcesses.StartAsync(servers, Settings, output);
        var killedAt = TimeSpan.MaxValue;
        await replicas.SellThroughAsync(async crowd =>
        {
            killedAt = crowd.Now;
            replicas[1].Kill();
            var atKill = crowd.Receipts;
            await crowd.WaitUntilAsync(c => c.Receipts >= atKill + Items / 10, "sales going on through the other replica");
        }, unanswered: a => a.Replica == 1 && a.Sent + a.Took >= killedAt);
    }

    // SIGTERM mid-sale: the replica stops taking requests, finishes those it took, writes its pending group-commit
    // batches, and exits 0. A connection per request, so only requests it took are in flight when it stops. Those it
    // did not take go unanswered: refused once its listener is closed, reset when the kernel had completed the
    // handshake into the listener's backlog, or closed unread when Kestrel had accepted the connection but not yet
    // begun its request. That the unanswered ones were indeed not taken is checked in PostgreSQL: a checkout taken is
    // stored before it is answered, so the attempts stored per shopper and item are exactly the checkouts answered.
    [Fact]
    public async Task AReplicaStoppedMidSaleFinishesWhatItTookAndExitsCleanly()
    {
        await using var replicas = await ReplicaProcesses.StartAsync(servers, Settings, output, closeConnections: true);
        var stoppedAt = TimeSpan.MaxValue;
        var crowd = await replicas.SellThroughAsync(async crowd =>
        {
            stoppedAt = crowd.Now;
            await replicas[1].TerminateAsync();
            Assert.Equal(0, await replicas[1].ExitCodeAsync());
            var atStop = crowd.Receipts;
            await crowd.WaitUntilAsync(c => c.Receipts >= atStop + Items / 10, "sales going on through the other replica");
        }, unanswered: a => a.Replica == 1 && a.Sent + a.Took >= stoppedAt && NotTaken(a.Code!));

        var answered = crowd.Answers.Where(a => a is { Kind: TestCrowd.Kind.Checkout } && a.Status != 0)
            .CountBy(a => (a.UserId, a.ItemId)).ToDictionary();
        await using var data = Npgsql.NpgsqlDataSource.Create(replicas.Database);
        await using var stored = data.CreateCommand("select user_id, item_id, count(*) from checkout_attempts group by 1, 2");
        await using var rows = await stored.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            var pair = (rows.GetString(0), rows.GetString(1));
            Assert.True(answered.GetValueOrDefault(pair) == rows.GetInt64(2),
                $"{pair}: {rows.GetInt64(2)} attempts stored, {answered.GetValueOrDefault(pair)} checkouts answered");
        }
    }

    private static bool NotTaken(string error) =>
        error.Contains("Connection refused", StringComparison.Ordinal)
        || error.Contains("Connection reset by peer", StringComparison.Ordinal)
        || error.Contains("The response ended prematurely", StringComparison.Ordinal);

    private static HostSettings Settings(HostSettings settings) => settings
        .With("FlashSale:MaxItemsPerUser", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("FlashSale:CheckoutHold", "00:00:06"); // a hold whose shopper never heard of it returns to sale soon

    // Opens a sale, lets the crowd sell a fifth of it, breaks and repairs something (`fault`), waits until every replica
    // is healthy, lets the crowd sell out and checks the invariants. `restore` runs whatever happened.
    private async Task SellThroughAsync(Func<TestCrowd, TestStack, Task> fault, Func<Task> restore, bool dependencyUnavailableAllowed)
    {
        await using var stack = await TestStack.StartAsync(servers, Settings, replicas: 2);
        var sale = await stack.OpenSaleAsync(Items);
        try
        {
            await SellThroughAsync(stack, sale, fault, restore, dependencyUnavailableAllowed);
        }
        finally
        {
            // Why a replica answered 500, if one did.
            foreach (var entry in stack.Hosts.SelectMany(host => host.Errors.Entries).Where(e => !e.Contains(".HealthChecks.", StringComparison.Ordinal)).Take(20))
            {
                output.WriteLine(entry);
            }
        }
    }

    private async Task SellThroughAsync(TestStack stack, SaleDto sale, Func<TestCrowd, TestStack, Task> fault, Func<Task> restore, bool dependencyUnavailableAllowed)
    {
        await SellThroughAsync(stack.Settings.Database, sale, [stack.Client(0), stack.Client(1)],
            async crowd =>
            {
                try
                {
                    await fault(crowd, stack);
                    await stack.WaitForHealthAsync();
                }
                finally
                {
                    await restore();
                }
            },
            dependencyUnavailableAllowed, unanswered: null, output);
    }

    // The crowd part of every fault test: sell a fifth, run `fault` (which returns once it is repaired), sell out, check,
    // and say what the crowd saw (shown with `--logger "console;verbosity=detailed"`).
    private static async Task<TestCrowd> SellThroughAsync(string database, SaleDto sale, FlashSaleClient[] replicas, Func<TestCrowd, Task> fault,
        bool dependencyUnavailableAllowed, Func<TestCrowd.Answer, bool>? unanswered, ITestOutputHelper output)
    {
        var crowd = new TestCrowd(replicas, sale, Shoppers, Limit) { Pause = TimeSpan.FromMilliseconds(100) };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(50));
        var shopping = crowd.RunAsync(stop.Token);
        CrowdInvariants.Outage outage;
        try
        {
            await crowd.WaitUntilAsync(c => c.Receipts >= Items / 5, "a fifth of the stock sold");
            var began = crowd.Now;
            await fault(crowd);
            outage = new(began, crowd.Now);
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }

        await shopping;
        output.WriteLine($"{sale.TotalItems} items sold out at {crowd.Now.TotalSeconds:F1} s; fault {outage.Began.TotalSeconds:F1}-{outage.Ended.TotalSeconds:F1} s; {crowd.Summary()}");
        await CrowdInvariants.AssertAsync(database, crowd, sale, Limit, outage, dependencyUnavailableAllowed, unanswered);
        return crowd;
    }

    // Two API replicas as real processes on one database and Redis prefix of their own.
    private sealed class ReplicaProcesses : IAsyncDisposable
    {
        private readonly List<ApiProcess> _processes = [];
        private HostSettings _settings = null!;
        private ITestOutputHelper _output = null!;
        private bool _closeConnections;

        public ApiProcess this[int index] => _processes[index];

        public static async Task<ReplicaProcesses> StartAsync(Servers servers, Func<HostSettings, HostSettings> configure, ITestOutputHelper output,
            bool closeConnections = false)
        {
            var replicas = new ReplicaProcesses
            {
                _settings = configure(await HostSettings.CreateAsync(servers)), _output = output, _closeConnections = closeConnections,
            };
            var starting = Enumerable.Range(0, 2).Select(i => ApiProcess.StartAsync(replicas._settings, $"replica-{i}")).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            catch
            {
                foreach (var started in starting.Where(task => task.IsCompletedSuccessfully))
                {
                    await started.Result.DisposeAsync();
                }

                throw;
            }

            replicas._processes.AddRange(starting.Select(task => task.Result));

            return replicas;
        }

        public string Database => _settings.Database;

        public async Task<TestCrowd> SellThroughAsync(Func<TestCrowd, Task> fault, Func<TestCrowd.Answer, bool> unanswered)
        {
            var sale = (await _processes[0].Client(admin: true).CreateSaleAsync(Items)).Ok();
            await FlashSaleClient.WaitUntilEachRunsAsync(_processes.Select(process => process.Client()), sale);
            return await FaultTests.SellThroughAsync(_settings.Database, sale, [.. _processes.Select(p => p.Client(_closeConnections))], fault,
                dependencyUnavailableAllowed: false, unanswered, _output);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var process in _processes)
            {
                await process.DisposeAsync();
            }
        }
    }
}
