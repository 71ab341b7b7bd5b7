// The AppHost is referenced under an alias (FlashSale.Tests.csproj): its Program would clash with the API's.
extern alias AppHost;

using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Aspire;

// The whole stack started by FlashSale.AppHost through Aspire.Hosting.Testing: PostgreSQL, Redis, Prometheus and
// Grafana in Docker, the API as a project. Compiled only with -p:WithAspire=true; running needs Docker.
public sealed class AspireStack : IAsyncLifetime
{
    // The first run pulls the PostgreSQL, Redis, Prometheus and Grafana images.
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);

        // Prometheus scrapes the API on the fixed port of its launch profile (prometheus/targets/aspire.json),
        // so the test keeps Aspire from giving the proxied endpoints random ports, as it does by default in tests.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.FlashSale_AppHost>(
            ["DcpPublisher:RandomizePorts=false"], timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public async Task<HttpClient> HealthyClientAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        return new HttpClient { BaseAddress = App.GetEndpoint(resource, "http"), Timeout = TimeSpan.FromSeconds(10) };
    }
}

public sealed class AppHostTests(AspireStack stack) : IClassFixture<AspireStack>
{
    [Fact]
    public async Task ShopperBuysAnItemThroughTheAppHost()
    {
        using var http = stack.App.CreateHttpClient("api");
        var api = new FlashSaleClient(http);
        await WaitForAutoStartedSaleAsync(api);

        // The database outlives test runs (a data volume) and the hourly sale is shared: a user of its own each run.
        var user = $"aspire-{Guid.NewGuid():N}";
        var receipt = await ShopperJourney.BuyAnAvailableItemAsync(api, user);

        Assert.Equal(user, receipt.UserId);
    }

    [Fact]
    public async Task PrometheusScrapesTheApiTargetsAsUp()
    {
        using var prometheus = await stack.HealthyClientAsync("prometheus");

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var targets = JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/targets?state=active"));
            var api = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Where(t => t.GetProperty("labels").GetProperty("job").GetString() == "flashsale")
                .Select(t => (Url: t.GetProperty("scrapeUrl").GetString(), Health: t.GetProperty("health").GetString(), Error: t.GetProperty("lastError").GetString()))
                .ToList();
            if (api.Count > 0 && api.TrueForAll(t => t.Health == "up"))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline,
                "Prometheus does not have every flashsale target up: " + string.Join("; ", api.Select(t => $"{t.Url} {t.Health} {t.Error}")));
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    [Fact]
    public async Task GrafanaAnswersItsHealthEndpointAndShowsTheDashboardWithoutLogin()
    {
        using var grafana = await stack.HealthyClientAsync("grafana");

        using var health = await grafana.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()))
        {
            Assert.Equal("ok", body.RootElement.GetProperty("database").GetString());
        }

        // The provisioned dashboard opens for an anonymous viewer: no login is asked for.
        using var dashboard = await grafana.GetAsync("/api/dashboards/uid/flashsale");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    // AutoStart opens the current window's sale shortly after the API starts.
    private static async Task WaitForAutoStartedSaleAsync(FlashSaleClient api)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while ((await api.CurrentSaleAsync()).Status != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "The API opened no sale within a minute of starting");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
