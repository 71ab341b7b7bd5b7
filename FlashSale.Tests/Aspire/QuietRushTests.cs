using System.Text.Json;
using Aspire.Hosting.Testing;
using FlashSale.Benchmark.Audit;
using FlashSale.Benchmark.Load;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Xunit.Abstractions;
using static FlashSale.Tests.Infrastructure.Waiting;

namespace FlashSale.Tests.Aspire;

// A healthy rush pages nobody: the hourly sale's 10,000 items sold out by the load tool's shoppers on both replicas'
// own ports (as the bench does; through the gateway the same rush takes twice as long, time the suite cannot spare),
// and once every rule group has looked at the rush no alert that became active during it is pending or firing in
// Prometheus, nor delivered to the receiver (each rule waiting the shortest for: of production, RushAspireStack).
[Collection(AspireStack.Collection)]
public sealed class QuietRushTests(RushAspireStack stack, ITestOutputHelper output) : IClassFixture<RushAspireStack>
{
    [Fact]
    public async Task AHealthyRushOfTenThousandItemsDeliversNoAlert()
    {
        await stack.EveryReplicaFinishedWarmingAsync();
        await SaleHour.StartAtLeastAsync(TimeSpan.FromMinutes(2));
        var sale = await new FlashSaleClient(stack.Client("api")).CurrentSaleOnceAsync();
        Assert.Equal(10_000, sale.TotalItems);
        using var prometheus = stack.Client("prometheus");
        using var receiver = stack.Client("alert-receiver");

        var start = DateTimeOffset.UtcNow;
        var replicas = AspireStack.ReplicaNames.Select(name => new LoadTarget(name, stack.Client(name), 32)).ToList();
        LoadResult result;
        try
        {
            result = await LoadToolRun.RunAsync(replicas, new LoadOptions
            {
                Duration = TimeSpan.FromSeconds(120),
                SaleSize = sale.TotalItems,
                Connections = 64,
                Database = await stack.App.GetConnectionStringAsync("flashsale"),
            }, output);
        }
        finally
        {
            replicas.ForEach(replica => replica.Dispose());
        }

        var end = DateTimeOffset.UtcNow;

        Assert.Equal(10_000, result.Sold);
        var audit = Assert.IsType<AuditResult>(result.Audit);
        Assert.True(audit.Passed, string.Join("; ", audit.Failures.Select(f => $"{f.Name}: {f.Detail}")));

        // Every rule group evaluated after the rush (the SLO group every 30 s), then Alertmanager's group wait.
        await Eventually(async () =>
        {
            using var rules = JsonDocument.Parse(await prometheus.GetStringAsync(new Uri("/api/v1/rules", UriKind.Relative)));
            var behind = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
                .Where(group => group.GetProperty("lastEvaluation").GetDateTimeOffset() < end.AddSeconds(1))
                .Select(group => group.GetProperty("name").GetString())
                .ToList();
            return behind.Count == 0 ? null : $"rule groups not evaluated since the rush: {string.Join(", ", behind)}";
        });
        using var alerts = JsonDocument.Parse(await prometheus.GetStringAsync(new Uri("/api/v1/alerts", UriKind.Relative)));
        var active = alerts.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Where(alert => alert.GetProperty("activeAt").GetDateTimeOffset() >= start)
            .Select(alert => $"{alert.GetProperty("labels").GetProperty("alertname").GetString()} {alert.GetProperty("state").GetString()}")
            .ToList();
        await Task.Delay(TimeSpan.FromSeconds(10));
        var delivered = (await AlertReceiverView.ReadAsync(receiver, "recent")).Where(alert => alert.Status == "FIRING" && alert.Since >= start).ToList();

        output.WriteLine($"sold out after {result.SoldOutAfterSeconds:F1} s on both replicas; alerts active since the rush: {active.Count}, delivered: {delivered.Count}");
        Assert.True(active.Count == 0, "active in Prometheus since the rush: " + string.Join(", ", active));
        Assert.True(delivered.Count == 0, "delivered since the rush: " + string.Join(", ", delivered));
    }
}
