using System.Net;
using FlashSale.Api.Health;
using FlashSale.Api.WarmUp;
using FlashSale.ServiceDefaults.Health;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class HealthTests(Servers servers)
{
    // The API owns its health checks (measured, each with its timeout); the Aspire integrations' own checks are off,
    // so each dependency is checked once per health report. The warm-up's check keeps a replica not ready until it ran;
    // the accepting check turns it (and /alive) down once it is stopping.
    [Fact]
    public async Task HealthChecksAreAppDatabaseRedisWarmUpAndAcceptingEachRegisteredOnce()
    {
        await using var stack = await TestStack.StartAsync(servers);

        var registrations = stack.Host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        Assert.Equal(
            [ShutdownDrain.Name, HealthDocument.AppCheckName, HealthDocument.DatabaseCheckName, HealthDocument.RedisCheckName, WarmUpHealthCheck.Name],
            registrations.Select(registration => registration.Name).Order(StringComparer.Ordinal));
        Assert.All(registrations.Where(registration => registration.Name is HealthDocument.DatabaseCheckName or HealthDocument.RedisCheckName),
            registration => Assert.Equal(TimeSpan.FromMilliseconds(800), registration.Timeout));
    }

    [Fact]
    public async Task HealthProbesAreMeasuredLikeQueriesAndCommands()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var client = stack.Host.CreateClient();
        var before = PrometheusText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        (await client.GetAsync(new Uri("/health", UriKind.Relative))).EnsureSuccessStatusCode();
        var after = PrometheusText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        double Delta(string name, params (string, string)[] where) => after.Sum(name, where) - before.Sum(name, where);
        Assert.True(Delta("db_query_duration_seconds_count", ("query_type", "health")) >= 1);
        Assert.True(Delta("redis_command_duration_seconds_count", ("command", "PING")) >= 1);
    }

    // Asked to stop, a replica answers /alive (what the gateway probes) with 503 and goes on serving for its drain
    // delay, then exits cleanly. The delay here is long only so that the request after the 503 surely falls within it.
    [Fact]
    public async Task AReplicaAskedToStopTurnsAliveDownWhileItStillServesThenExitsCleanly()
    {
        var settings = (await HostSettings.CreateAsync(servers)).With("FlashSale:DrainDelay", "00:00:10");
        await using var api = await ApiProcess.StartAsync(settings, "draining");
        var client = api.Client();
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(client.Http, "/alive"));

        await api.TerminateAsync();

        await Waiting.ReadUntilAsync(() => StatusOfAsync(client.Http, "/alive"),
            status => status == HttpStatusCode.ServiceUnavailable ? null : $"/alive answers {(int)status}, not 503");
        Assert.Equal(HttpStatusCode.OK, (await client.SalesAsync()).Status);
        Assert.Equal(0, await api.ExitCodeAsync());
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HttpClient http, string path)
    {
        using var reply = await http.GetAsync(new Uri(path, UriKind.Relative));
        return reply.StatusCode;
    }
}
