using FlashSale.Tests.Infrastructure;

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
    public async Task BadSettingStopsTheStartNamingTheSetting(string key, string value)
    {
        var settings = (await HostSettings.CreateAsync(servers)).With(key, value);
        await using var host = new FlashSaleHost(settings);

        var failure = Record.Exception(() => host.Server);

        Assert.NotNull(failure);
        Assert.Contains(key, AllMessages(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConnectionStringStopsTheStartNamingIt()
    {
        var settings = (await HostSettings.CreateAsync(servers)) with { Redis = "" };
        await using var host = new FlashSaleHost(settings);

        var failure = Record.Exception(() => host.Server);

        Assert.Contains("ConnectionStrings:redis", AllMessages(failure!), StringComparison.Ordinal);
    }

    private static string AllMessages(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " | " + AllMessages(exception.InnerException);
}
