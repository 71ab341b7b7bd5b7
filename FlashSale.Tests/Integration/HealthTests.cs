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
    // so each dependency is checked once per health report. The warm-up's check keeps a replica not ready until it ran.
    [Fact]
    public async Task HealthChecksAreAppDatabaseRedisAndWarmUpEachRegisteredOnce()
    {
        await using var stack = await TestStack.StartAsync(servers);

        var registrations = stack.Host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        Assert.Equal(
            [HealthDocument.AppCheckName, HealthDocument.DatabaseCheckName, HealthDocument.RedisCheckName, WarmUpHealthCheck.Name],
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
}
