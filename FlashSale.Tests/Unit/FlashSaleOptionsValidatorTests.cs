using FlashSale.Api.Configuration;

namespace FlashSale.Tests.Unit;

public sealed class FlashSaleOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        Assert.True(new FlashSaleOptionsValidator().Validate(null, new FlashSaleOptions()).Succeeded);
    }

    [Fact]
    public void EveryFailureNamesItsSetting()
    {
        var options = new FlashSaleOptions
        {
            ItemsPerSale = 0,
            SaleDuration = TimeSpan.Zero,
            CheckoutHold = TimeSpan.FromDays(2),
            MaxItemsPerUser = 0,
            AdminApiKey = "short",
            RedisKeyPrefix = " ",
        };

        var result = new FlashSaleOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var setting in new[] { "ItemsPerSale", "SaleDuration", "CheckoutHold", "MaxItemsPerUser", "AdminApiKey", "RedisKeyPrefix" })
        {
            Assert.Contains(result.Failures!, failure => failure.StartsWith($"FlashSale:{setting} ", StringComparison.Ordinal));
        }
    }
}
