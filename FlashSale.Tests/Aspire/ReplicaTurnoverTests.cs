using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Npgsql;
using Xunit.Abstractions;
using static FlashSale.Tests.Infrastructure.Waiting;

namespace FlashSale.Tests.Aspire;

// A replica leaves while shoppers arrive steadily at the stable address: stopped from the dashboard, killed without
// warning, or asked to stop by a signal. No request waits longer than the bound, every answer is a replica's own, and
// whatever a replica acknowledged is stored. The replica is started again afterwards, for the next test.
[Collection(AspireStack.Collection)]
public sealed class ReplicaTurnoverTests(AspireStack stack, ITestOutputHelper output)
{
    private const string Leaving = "api-2";
    private const string Staying = "api-1";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LeavesAt = TimeSpan.FromSeconds(3);

    // Each test's shoppers check out items of their own: at most one per Pace during Duration.
    private const int ItemsPerTest = 120;
    private static int s_tests;

    [Fact]
    public Task AReplicaStoppedFromTheDashboardUnderTrafficHangsNoRequestAndLosesNothing() =>
        LeaveUnderTrafficAsync("stop", async () =>
        {
            var result = await stack.App.ResourceCommands.ExecuteCommandAsync(Leaving, KnownResourceCommands.StopCommand);
            Assert.True(result.Success, $"{Leaving} did not stop: {result.Message}");
        });

    // A request the replica may have taken before it died has no answer to give: only a request sent between the kill
    // and the orchestrator seeing the process gone may get the gateway's 502 (it is not acknowledged, so nothing is lost).
    [Fact]
    public Task AReplicaKilledUnderTrafficHangsNoRequestAndLosesNothing() =>
        LeaveUnderTrafficAsync("SIGKILL", async () =>
        {
            await Signals.SendAsync(stack.App.ProcessIdOf(Leaving), "KILL");
            await WaitUntilGoneAsync();
        }, inFlightMayFail: true);

    [Fact]
    public Task AReplicaTerminatedUnderTrafficHangsNoRequestAndLosesNothing() =>
        LeaveUnderTrafficAsync("SIGTERM", () => Signals.SendAsync(stack.App.ProcessIdOf(Leaving), "TERM"));

    private async Task LeaveUnderTrafficAsync(string how, Func<Task> leave, bool inFlightMayFail = false)
    {
        using var api = stack.Client("api");
        api.Timeout = Bound * 4;
        await stack.EveryReplicaServesAsync();
        var sale = await new FlashSaleClient(api).CurrentSaleOnceAsync();
        var traffic = new SteadyTraffic(api, sale, firstItem: (Interlocked.Increment(ref s_tests) - 1) * ItemsPerTest);
        TimeSpan leaving, left;
        try
        {
            var shopping = traffic.RunAsync(Duration, Pace);
            await Task.Delay(LeavesAt);
            leaving = traffic.Now;
            await leave();
            left = traffic.Now;
            await shopping;
        }
        finally
        {
            await RejoinAsync();
        }

        output.WriteLine($"{how} at {leaving.TotalSeconds:F1} s (done at {left.TotalSeconds:F1} s): {traffic.Summary()}");
        var exchanges = traffic.Exchanges;
        Assert.Contains(exchanges, e => e.Replica == Leaving && e.Answered < leaving);
        Assert.True(exchanges.Count(e => e.Replica == Staying && e.Sent > leaving + TimeSpan.FromSeconds(1)) >= 10,
            $"{Staying} carried no traffic after {Leaving} left: {traffic.Summary()}");

        var slow = exchanges.Where(e => e.Took > Bound).ToList();
        Assert.True(slow.Count == 0, $"{slow.Count} requests waited longer than {Bound.TotalSeconds} s: {Describe(slow)}");
        var foreign = exchanges.Where(e => !e.IsTheServicesOwn && !(inFlightMayFail && e is { Status: 502 } && e.Sent < left && e.Answered > leaving)).ToList();
        Assert.True(foreign.Count == 0, $"{foreign.Count} answers were not a replica's own: {Describe(foreign)}");

        await AssertAcknowledgedAreStoredAsync(exchanges);
    }

    private async Task AssertAcknowledgedAreStoredAsync(IReadOnlyCollection<SteadyTraffic.Exchange> exchanges)
    {
        string[] codes = [.. Acknowledged(exchanges, SteadyTraffic.Kind.Checkout)];
        long[] purchases = [.. Acknowledged(exchanges, SteadyTraffic.Kind.Purchase).Select(long.Parse)];
        Assert.NotEmpty(codes);
        Assert.NotEmpty(purchases);

        await using var data = NpgsqlDataSource.Create((await stack.App.GetConnectionStringAsync("flashsale"))!);
        var storedCodes = await ReadAsync<string>(data, "select code from checkout_attempts where code = any($1)", codes);
        Assert.Empty(codes.Except(storedCodes));
        var storedPurchases = await ReadAsync<long>(data, "select id from purchases where id = any($1)", purchases);
        Assert.Empty(purchases.Except(storedPurchases));
    }

    private static IEnumerable<string> Acknowledged(IEnumerable<SteadyTraffic.Exchange> exchanges, SteadyTraffic.Kind kind) =>
        exchanges.Where(e => e.Kind == kind && e.Acknowledged is not null).Select(e => e.Acknowledged!);

    private static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource data, string sql, object values)
    {
        await using var command = data.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = values });
        await using var rows = await command.ExecuteReaderAsync();
        List<T> read = [];
        while (await rows.ReadAsync())
        {
            read.Add(rows.GetFieldValue<T>(0));
        }

        return read;
    }

    private async Task WaitUntilGoneAsync()
    {
        using var timeout = new CancellationTokenSource(Servers.StartTimeout);
        await stack.App.ResourceNotifications.WaitForResourceAsync(Leaving, [KnownResourceStates.Exited, KnownResourceStates.Finished], timeout.Token);
    }

    private async Task RejoinAsync()
    {
        await WaitUntilGoneAsync();
        using var timeout = new CancellationTokenSource(Servers.StartTimeout);
        await stack.App.StartAndWaitHealthyAsync(Leaving, timeout.Token);
        await stack.EveryReplicaServesAsync();
    }

    private static string Describe(IEnumerable<SteadyTraffic.Exchange> exchanges) => string.Join("; ", exchanges.Take(10));
}
