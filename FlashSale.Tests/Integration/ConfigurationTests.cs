using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class ConfigurationTests(Servers servers)
{
    [Theory]
    [InlineData("FlashSale:ItemsPerSale", "0")]
    [InlineData("FlashSale:ItemsPerSale", "plenty")]
    [InlineData("FlashSale:CheckoutHold", "00:00:00")]
    [InlineData("FlashSale:SaleDuration", "not-a-duration")]
    [InlineData("FlashSale:MaxItemsPerUser", "-1")]
    [InlineData("FlashSale:AdminApiKey", "short")]
    [InlineData("FlashSale:RateLimit:Window", "00:00:00")]
    [InlineData("FlashSale:DrainDelay", "00:01:00")]
    public async Task BadSettingStopsTheStartNamingTheSetting(string key, string value)
    {
        var settings = (await HostSettings.CreateAsync(servers)).With(key, value);
        await using var host = new FlashSaleHost(settings);

        var failure = Record.Exception(() => host.Server);

        Assert.NotNull(failure);
        Assert.Contains(key, AllMessages(failure), StringComparison.Ordinal);
    }

    // The real process: one line on stderr naming the setting and exit code 1, not a stack trace and an abort (134).
    [Theory]
    [InlineData("FlashSale__ItemsPerSale", "0", "FlashSale:ItemsPerSale")]
    [InlineData("FlashSale__ItemsPerSale", "plenty", "FlashSale:ItemsPerSale")]
    [InlineData("FlashSale__RateLimit__PerClient", "-5", "FlashSale:RateLimit:PerClient")]
    [InlineData("FlashSale__RateLimit__TrustedProxies__0", "the-gateway", "FlashSale:RateLimit:TrustedProxies")]
    [InlineData("ConnectionStrings__redis", "", "ConnectionStrings:redis")]
    public async Task BadSettingStopsTheProcessWithOneLineNamingIt(string variable, string value, string setting)
    {
        var environment = await ApiProcess.SettingsAsync(servers);
        environment[variable] = value;
        await using var process = ApiProcess.Start(environment);

        var exitCode = await process.ExitCodeAsync();

        Assert.Equal(1, exitCode);
        var line = Assert.Single(process.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Bad setting: ", line, StringComparison.Ordinal);
        Assert.Contains(setting, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConnectionStringStopsTheStartNamingIt()
    {
        var settings = (await HostSettings.CreateAsync(servers)) with { Redis = "" };
        await using var host = new FlashSaleHost(settings);

        var failure = Record.Exception(() => host.Server);

        Assert.Contains("ConnectionStrings:redis", AllMessages(failure!), StringComparison.Ordinal);
    }

    // Npgsql logs every command at Information: by default only its warnings and errors reach the log.
    [Theory]
    [InlineData(null, false)]
    [InlineData("Information", true)]
    public async Task NpgsqlCommandsAreLoggedOnlyWhenConfigured(string? npgsqlLevel, bool logged)
    {
        var settings = (await HostSettings.CreateAsync(servers)).With("Logging:LogLevel:Default", "Information");
        if (npgsqlLevel is not null)
        {
            settings = settings.With("Logging:LogLevel:Npgsql", npgsqlLevel);
        }

        await using var host = new FlashSaleHost(settings);

        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        Assert.Equal(logged, loggers.CreateLogger("Npgsql.Command").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Npgsql.Command").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("FlashSale.Api.Sales.SaleScheduler").IsEnabled(LogLevel.Information));
    }

    private static string AllMessages(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " | " + AllMessages(exception.InnerException);
}
