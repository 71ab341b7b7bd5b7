extern alias AppHost;

using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Aspire;

// The whole stack as `dotnet run --project FlashSale.AppHost` starts it (local executables here: PostgreSQL, Redis,
// two API replicas behind the gateway, Prometheus, Alertmanager and the alert receiver; Grafana when installed),
// with the Aspire dashboard and its telemetry API on, in a data folder of its own that is deleted afterwards.
public class AspireStack : IAsyncLifetime
{
    // The test classes of this collection share one stack and run one after the other (each leaves it whole after its
    // faults); a class that needs a stack of other settings starts its own here too, never beside another starting one:
    // two stacks starting at once on a small machine starve each other.
    public const string Collection = "aspire-stack";

    public const string DashboardApiKey = "flashsale-tests-dashboard-key";
    public static readonly string[] ReplicaNames = ["api-1", "api-2"];

    private DistributedApplication? _app;

    // The hourly sale: enough stock for the tests' few purchases. No warm-up: these tests stop and start replicas
    // many times, and each warm-up (two passes, some 9 s of CPU per replica here) would take those cores from the
    // collection running beside this one; WarmUpTests and the bench hold the warm-up to its promises.
    protected virtual string[] SaleSettings => ["--FlashSale:ItemsPerSale=500", "--FlashSale:WarmUp=false"];

    // Every rule's for: and Alertmanager's grouping delays. Alerts fire and reach the receiver within seconds of their
    // cause (production waits a minute or more).
    protected virtual string AlertDelay => "5s";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"flashsale-aspire-{Guid.NewGuid():N}");

    // The Aspire dashboard runs as a hidden resource of its own.
    public Uri Dashboard => App.GetEndpoint("aspire-dashboard", "http");

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Servers.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.FlashSale_AppHost>(
            [
                $"--Stack:DataDirectory={DataDirectory}", "--Stack:Substrate=executables", "--Stack:Replicas=2", "--Stack:Port=0",
                .. SaleSettings,
                $"--Stack:TestAlertDelay={AlertDelay}",
                $"--AppHost:DashboardApiKey={DashboardApiKey}",
            ],
            (options, _) =>
            {
                options.DisableDashboard = false;
                options.AllowUnsecuredTransport = true;
            },
            timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in (string[])["api", .. ReplicaNames, "prometheus", "alertmanager", "alert-receiver"])
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public HttpClient Client(string resource) =>
        new() { BaseAddress = App.GetEndpoint(resource, "http"), Timeout = TimeSpan.FromSeconds(30) };

    // Until every replica answers GET /health with 200 through the gateway (each seen among a few requests): the
    // stack is whole again, storage included, after a test's fault.
    public Task EveryReplicaServesAsync() => Waiting.Eventually(async () =>
    {
        using var api = Client("api");
        var healthy = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            using var reply = await api.GetAsync(new Uri("/health", UriKind.Relative));
            if (reply.StatusCode == HttpStatusCode.OK && reply.Headers.TryGetValues(SteadyTraffic.ReplicaHeader, out var names))
            {
                healthy.UnionWith(names);
            }
        }

        return healthy.SetEquals(ReplicaNames) ? null : $"healthy through the gateway: {string.Join(", ", healthy)}";
    });

    // Until every replica has logged the end of its warm-up's pass after ready (as the dashboard holds its logs): a
    // rush begun before then shares the cores with it, as no crowd meeting a replica started before its sale does.
    public Task EveryReplicaFinishedWarmingAsync() => Waiting.Eventually(async () =>
    {
        using var telemetry = new DashboardTelemetry(Dashboard);
        using var logs = await telemetry.ReadAsync("logs");
        var finished = DashboardTelemetry.Objects(logs.RootElement, "body")
            .Count(log => DashboardTelemetry.LogBody(log).Contains("to their final tier", StringComparison.Ordinal));
        return finished >= ReplicaNames.Length ? null : $"replicas done warming up: {finished} of {ReplicaNames.Length}";
    });
}

[CollectionDefinition(AspireStack.Collection)]
public sealed class AspireStackCollection : ICollectionFixture<AspireStack>;

// A stack whose hourly sale is a whole rush's stock. The load tool is one client standing for a crowd of them: the
// per-client and per-user rate limits, there for one client among thousands, are off.
public sealed class RushAspireStack : AspireStack
{
    protected override string[] SaleSettings =>
        ["--FlashSale:ItemsPerSale=10000", "--FlashSale:RateLimit:PerClient=0", "--FlashSale:RateLimit:PerUser=0"];

    // The shortest for: of the production rules. A condition must hold as long as production asks before it is
    // delivered: with 5 s, a slow-burn warning fired on the share of slow answers in a rush's first seconds, which had
    // fallen below its threshold by the rush's end (no alert active then). One still holding at the end is pending.
    protected override string AlertDelay => "1m";
}
