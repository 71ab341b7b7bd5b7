using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using FlashSale.Tests.Infrastructure;
using Xunit.Abstractions;
using static FlashSale.Tests.Aspire.DashboardTelemetry;
using static FlashSale.Tests.Infrastructure.Waiting;

namespace FlashSale.Tests.Aspire;

// From a fault to a person: each fault, caused as an operator or a crash would, reaches the alert-receiver through
// Prometheus and Alertmanager as the AppHost wires them, FIRING while it lasts and RESOLVED once the server is back.
// Each test prints the time from fault to delivery. (The fixture shortens for: and Alertmanager's grouping delays
// with Stack:TestAlertDelay=5s; the repository's are the production ones.)
[Collection(AspireStack.Collection)]
public sealed class AlertDeliveryTests(AspireStack stack, ITestOutputHelper output)
{
    // Redis killed (SIGKILL): every replica's Redis health check fails, and FlashSaleRedisUnreachable pages.
    [Fact]
    public Task AKilledRedisReachesTheReceiverAsRedisUnreachableAndResolvesOnceItIsBack() =>
        FaultToDeliveryAsync("redis", "KILL", new Expected("FlashSaleRedisUnreachable", "cannot reach Redis"));

    // PostgreSQL stopped (SIGINT, a fast shutdown as `pg_ctl stop -m fast` does): the database health check fails.
    [Fact]
    public Task AStoppedPostgresReachesTheReceiverAsAFailingDatabaseHealthCheckAndResolvesOnceItIsBack() =>
        FaultToDeliveryAsync("postgres", "INT", new Expected("FlashSaleHealthCheckFailing", "database health check failing"));

    // A replica killed: its FlashSaleInstanceDown pages, in the receiver's view and in its log on the Aspire dashboard,
    // while Alertmanager holds back that replica's other alerts (the same alert of the other replica still arrives).
    [Fact]
    public Task AKilledReplicaReachesTheReceiverAsInstanceDownAndItsOtherAlertsAreHeldBack() =>
        FaultToDeliveryAsync("api-2", "KILL", new Expected("FlashSaleInstanceDown", "api-2 is down"), async receiver =>
        {
            await HeldBackWhileDownAsync(receiver, "api-2", "api-1");
            var line = "FIRING FlashSaleInstanceDown instance=api-2 severity=critical";
            using var dashboard = new DashboardTelemetry(stack.Dashboard);
            await Eventually(async () =>
            {
                using var logs = await dashboard.ReadAsync("logs");
                return Objects(logs.RootElement, "body").Any(log => LogBody(log).StartsWith(line, StringComparison.Ordinal))
                    ? null
                    : $"no log record '{line} …' in the Aspire dashboard";
            });
        });

    private sealed record Expected(string Alert, string Summary)
    {
        public bool Matches(ReceivedAlert alert) =>
            alert.Alert == Alert && alert.Severity == "critical" && alert.Summary.Contains(Summary, StringComparison.Ordinal);
    }

    private async Task FaultToDeliveryAsync(string resource, string signal, Expected expected, Func<HttpClient, Task>? whileFiring = null)
    {
        using var receiver = stack.Client("alert-receiver");
        await Eventually(async () => (await AlertReceiverView.ReadAsync(receiver, "firing")).FirstOrDefault(expected.Matches) is { } early
            ? $"{early} fires before the fault"
            : null);

        var fault = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var restarted = TimeSpan.Zero;
        try
        {
            await Signals.SendAsync(stack.App.ProcessIdOf(resource), signal);
            await Eventually(async () =>
            {
                var firing = await AlertReceiverView.ReadAsync(receiver, "firing");
                return firing.Any(alert => expected.Matches(alert) && alert.ReceivedAt >= fault)
                    ? null
                    : $"the receiver has no FIRING {expected.Alert} ({expected.Summary}); firing: {string.Join(", ", firing)}";
            });
            output.WriteLine($"{resource} SIG{signal} to FIRING {expected.Alert} at the receiver: {clock.Elapsed.TotalSeconds:F1} s");
            if (whileFiring is not null)
            {
                await whileFiring(receiver);
            }
        }
        finally
        {
            using var restart = new CancellationTokenSource(Patience);
            restarted = clock.Elapsed;
            await stack.App.StartAndWaitHealthyAsync(resource, restart.Token);
        }

        await Eventually(async () =>
        {
            var firing = await AlertReceiverView.ReadAsync(receiver, "firing");
            return firing.Any(expected.Matches) ? $"still FIRING at the receiver: {string.Join(", ", firing.Where(expected.Matches))}" : null;
        });
        output.WriteLine($"{resource} started again to RESOLVED {expected.Alert} at the receiver: {(clock.Elapsed - restarted).TotalSeconds:F1} s");
        await stack.EveryReplicaServesAsync();
    }

    // While `down`'s FlashSaleInstanceDown fires, an alert of that replica is inhibited in Alertmanager and never
    // delivered, while the same alert of `up` is. The two are sent to Alertmanager as Prometheus would send them.
    private async Task HeldBackWhileDownAsync(HttpClient receiver, string down, string up)
    {
        const string Alert = "FlashSaleHighMemoryUsage";
        using var alertmanager = stack.Client("alertmanager");
        var test = Guid.NewGuid().ToString("N");
        var startsAt = DateTimeOffset.UtcNow;
        object Of(string instance, DateTimeOffset endsAt) => new
        {
            labels = new Dictionary<string, string> { ["alertname"] = Alert, ["job"] = "flashsale", ["instance"] = instance, ["severity"] = "warning", ["test"] = test },
            annotations = new Dictionary<string, string> { ["summary"] = $"inhibition test on {instance}" },
            startsAt,
            endsAt,
        };

        (await alertmanager.PostAsJsonAsync("/api/v2/alerts", new[] { Of(down, DateTimeOffset.UtcNow.AddMinutes(5)), Of(up, DateTimeOffset.UtcNow.AddMinutes(5)) })).EnsureSuccessStatusCode();
        try
        {
            await Eventually(async () =>
            {
                var firing = await AlertReceiverView.ReadAsync(receiver, "firing");
                return firing.Any(alert => alert.Alert == Alert && alert.Instance == up)
                    ? null
                    : $"the receiver has no FIRING {Alert} {up}; firing: {string.Join(", ", firing)}";
            });

            using var states = JsonDocument.Parse(await alertmanager.GetStringAsync(
                new Uri($"/api/v2/alerts?filter={Uri.EscapeDataString($"test=\"{test}\"")}", UriKind.Relative)));
            var heldBack = states.RootElement.EnumerateArray().Single(alert => alert.GetProperty("labels").GetProperty("instance").GetString() == down);
            Assert.Equal("suppressed", heldBack.GetProperty("status").GetProperty("state").GetString());
            Assert.NotEmpty(heldBack.GetProperty("status").GetProperty("inhibitedBy").EnumerateArray());
            Assert.DoesNotContain(await AlertReceiverView.ReadAsync(receiver, "recent"), alert => alert.Alert == Alert && alert.Instance == down);
        }
        finally
        {
            // Resolved, as Prometheus resolves an alert: the same labels with an end.
            var endsAt = DateTimeOffset.UtcNow.AddSeconds(1);
            (await alertmanager.PostAsJsonAsync("/api/v2/alerts", new[] { Of(down, endsAt), Of(up, endsAt) })).EnsureSuccessStatusCode();
        }
    }
}
