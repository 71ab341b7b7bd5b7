using FlashSale.Benchmark.Audit;
using FlashSale.Benchmark.Load;
using FlashSale.Benchmark.Scenarios;
using FlashSale.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlashSale.Tests.LoadTool;

// A few seconds of the load tool and its audit against in-process replicas on the shared servers: the smoke
// run that keeps FlashSale.Benchmark working, and proof that its audit says no when the rules are broken.
[Collection(ServersCollection.Name)]
public sealed class LoadToolTests(Servers servers, ITestOutputHelper output)
{
    [Fact]
    public async Task SmallRushOnTwoReplicasSellsOutAndPassesTheAudit()
    {
        await using var stack = await TestStack.StartAsync(servers, replicas: 2);
        var result = await RushAsync(stack, items: 200, shoppers: 60);

        Assert.Equal(200, result.Sold);
        Assert.NotNull(result.SoldOutAfterSeconds);
        var audit = Assert.IsType<AuditResult>(result.Audit);
        Assert.True(audit.Passed, string.Join("; ", audit.Failures.Select(f => $"{f.Name}: {f.Detail}")));
        Assert.All(audit.Checks, check => Assert.Equal(AuditStatus.Passed, check.Status));
        Assert.Contains(audit.Checks, check => check.Name == "the whole stock sold");
        Assert.Contains(result.Endpoints, e => e.Endpoint == ShopClient.PurchaseRoute && e.Statuses["200"] == 200);
    }

    [Fact]
    public async Task AuditFailsWhenAnItemIsSoldTwiceAndAUserIsOverTheLimit()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var result = await RushAsync(stack, items: 30, shoppers: 10);
        Assert.True(result.Audit!.Passed);
        var saleId = result.SaleId!.Value;

        // Eleven more purchases for one user (the limit is 10), all of items already sold: only possible once
        // the unique (sale, item) constraint is gone.
        await stack.ExecuteAsync("alter table purchases drop constraint purchases_item_once");
        await stack.ExecuteAsync(
            """
            insert into purchases (sale_id, item_index, user_id, code, purchased_at)
            select sale_id, item_index, 'intruder', 'forged-' || item_index, now()
            from purchases where sale_id = $1 order by item_index limit 11
            """, saleId);

        var seen = new SeenSnapshot(
            CheckoutAnswers: result.Endpoints.Single(e => e.Endpoint == ShopClient.CheckoutRoute).Requests,
            CheckoutUnknown: 0,
            CheckoutGranted: 0,
            PurchasesOk: result.Sold,
            PurchasesUnknown: 0);
        var audit = await SaleAudit.RunAsync(stack.Settings.Database, saleId, Scenario.Rush, 10, seen, CancellationToken.None);

        Assert.False(audit.Passed);
        var failed = audit.Failures.ToDictionary(check => check.Name, check => check.Detail);
        Assert.Contains("item 0 sold 2 times", failed["no item sold twice"], StringComparison.Ordinal);
        Assert.Contains("intruder bought 11", failed["nobody over the limit"], StringComparison.Ordinal);
        Assert.Contains("every purchase redeems its buyer's granted checkout", failed.Keys);
        Assert.Contains("items sold = purchase rows = 200 purchase answers", failed.Keys);
    }

    // Open-loop pacing: checkout n starts n / rate seconds into the phase, so 3 s at 100/s is 300 checkouts, however
    // late the phase's timer fires; the windows' samples add up to the run and carry each --api-pid's memory (this process, here).
    [Fact]
    public async Task PacedCheckoutsKeepTheirRateAndAreSampledOverTime()
    {
        await using var stack = await TestStack.StartAsync(servers, replicas: 2);
        var result = await RunAsync(stack, new LoadOptions
        {
            Scenario = Scenario.Checkout,
            Rate = 100,
            Duration = TimeSpan.FromSeconds(3),
            SampleEvery = TimeSpan.FromSeconds(1),
            SaleSize = 1000,
            ApiPids = [Environment.ProcessId],
        });

        Assert.Equal(300, result.Requests);
        Assert.Equal(100, result.Rate);
        Assert.InRange(result.Samples.Count, 3, 4);
        Assert.Equal(result.Requests, result.Samples.Sum(sample => sample.Requests));
        Assert.All(result.Samples, sample => Assert.Equal(0, sample.Errors));
        Assert.All(result.Samples, sample => Assert.True(sample.ApiRssMb.Single() > 0));
        Assert.Contains(result.Samples, sample => sample.P99Ms > 0);
        Assert.True(result.Audit!.Passed);
    }

    // The bench's rushes are driven by wrk (bench/crowd.lua) against a replica's port: the script's counts must satisfy
    // the audit as the tool's own shoppers do, and it must stop once the stock is sold rather than at its time limit.
    [Fact]
    public async Task ARushDrivenByWrkSellsOutAndPassesTheAudit()
    {
        var settings = await HostSettings.CreateAsync(servers);
        await using var api = await ApiProcess.StartAsync(settings, "replica-0");
        using var target = new LoadTarget("replica-0", new HttpClient { BaseAddress = api.Address }, 8);
        var result = await RunAsync([target], settings.Database, new LoadOptions
        {
            Scenario = Scenario.Rush,
            WrkScript = RepositoryRoot.PathOf("bench", "crowd.lua"),
            Duration = TimeSpan.FromSeconds(60),
            SaleSize = 300,
        });

        Assert.Equal(300, result.Sold);
        Assert.True(result.SoldOutAfterSeconds < 55, $"sold out after {result.SoldOutAfterSeconds} s: wrk ran to its time limit");
        var audit = Assert.IsType<AuditResult>(result.Audit);
        Assert.True(audit.Passed, string.Join("; ", audit.Failures.Select(f => $"{f.Name}: {f.Detail}")));
        Assert.All(audit.Checks, check => Assert.Equal(AuditStatus.Passed, check.Status));
        var every = Assert.Single(result.Endpoints, e => e.Endpoint == WrkScenario.EveryRequest);
        Assert.Equal(300, every.Statuses["purchase 200"]);
        Assert.Equal(300, every.Statuses["checkout 200"]);
        Assert.Equal(0, every.Statuses["5xx"] + every.Statuses["error"]);
        Assert.True(every.P99Ms > 0);

        // wrk's threads print their progress every 100 answers, for the timeline the charts draw: every sale (the
        // last ones counted from wrk's final figures), and the answers but those a thread saw after its last line.
        Assert.Equal(300, result.Timeline[^1].SoldSoFar);
        Assert.InRange(result.Timeline.Sum(second => second.Requests), Math.Max(1, result.Requests - 100 * Environment.ProcessorCount), result.Requests);
    }

    // The bench's checkouts and its GET /alive ceiling are driven by wrk too: every checkout answered is granted (ten
    // distinct items per user), the attempts stored are the answers wrk counted (the audit), and /alive answers only 200.
    [Fact]
    public async Task CheckoutsAndAliveDrivenByWrkAreCountedAndAudited()
    {
        var settings = await HostSettings.CreateAsync(servers);
        await using var api = await ApiProcess.StartAsync(settings, "replica-0");
        using var target = new LoadTarget("replica-0", new HttpClient { BaseAddress = api.Address }, 8);
        var script = RepositoryRoot.PathOf("bench", "crowd.lua");

        var checkouts = await RunAsync([target], settings.Database, new LoadOptions
        {
            Scenario = Scenario.Checkout,
            WrkScript = script,
            Duration = TimeSpan.FromSeconds(2),
            SaleSize = 100_000,
        });
        var checkout = Assert.Single(checkouts.Endpoints, e => e.Endpoint == ShopClient.CheckoutRoute);
        Assert.True(checkout.Statuses["200"] > 0);
        Assert.Equal(0, checkout.Statuses["4xx"] + checkout.Statuses["5xx"] + checkout.Statuses["error"]);
        var audit = Assert.IsType<AuditResult>(checkouts.Audit);
        Assert.True(audit.Passed, string.Join("; ", audit.Failures.Select(f => $"{f.Name}: {f.Detail}")));
        Assert.Contains(audit.Checks, check => check.Name == "attempt rows = checkout answers seen" && check.Status == AuditStatus.Passed);

        var alive = await RunAsync([target], settings.Database, new LoadOptions { Scenario = Scenario.Alive, WrkScript = script, Duration = TimeSpan.FromSeconds(1) });
        var answers = Assert.Single(alive.Endpoints, e => e.Endpoint == ShopClient.AliveRoute);
        Assert.True(answers.Statuses["200"] > 0);
        Assert.Equal(0, answers.Statuses["other"] + answers.Statuses["error"]);
        Assert.Equal(answers.Requests, alive.Requests);
    }

    private Task<LoadResult> RushAsync(TestStack stack, int items, int shoppers) => RunAsync(stack, new LoadOptions
    {
        Scenario = Scenario.Rush,
        Shoppers = shoppers,
        Duration = TimeSpan.FromSeconds(30),
        SaleSize = items,
    });

    private async Task<LoadResult> RunAsync(TestStack stack, LoadOptions run)
    {
        var targets = stack.Hosts
            .Select((host, index) => new LoadTarget($"replica-{index}", new HttpClient(host.Server.CreateHandler()) { BaseAddress = host.Server.BaseAddress }, 8))
            .ToList();
        try
        {
            return await RunAsync(targets, stack.Settings.Database, run);
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Dispose();
            }
        }
    }

    private Task<LoadResult> RunAsync(List<LoadTarget> targets, string database, LoadOptions run) =>
        LoadToolRun.RunAsync(targets, run with { Connections = 8 * targets.Count, AdminKey = FlashSaleHost.AdminKey, Database = database }, output);
}
