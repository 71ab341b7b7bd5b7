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
            SaleLeadTime = TimeSpan.FromMinutes(-1),
        };

        var result = new FlashSaleOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var setting in new[] { "ItemsPerSale", "SaleDuration", "CheckoutHold", "MaxItemsPerUser", "AdminApiKey", "RedisKeyPrefix", "SaleLeadTime" })
        {
            Assert.Contains(result.Failures!, failure => failure.StartsWith($"FlashSale:{setting} ", StringComparison.Ordinal));
        }
    }

    // Five minutes ahead for hourly sales; half the window for short ones, so a sale is never prepared before the one
    // it follows has started.
    [Theory]
    [InlineData("01:00:00", null, "00:05:00")]
    [InlineData("00:00:20", null, "00:00:10")]
    [InlineData("00:00:20", "00:00:03", "00:00:03")]
    public void SalesArePreparedAheadOfTheirWindow(string duration, string? lead, string expected)
    {
        var options = new FlashSaleOptions { SaleDuration = TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture) };
        options.SaleLeadTime = lead is null ? null : TimeSpan.Parse(lead, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(new FlashSaleOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), options.EffectiveSaleLeadTime);
    }

    [Fact]
    public void ALeadTimeLongerThanASaleIsRefused()
    {
        var options = new FlashSaleOptions { SaleDuration = TimeSpan.FromSeconds(20), SaleLeadTime = TimeSpan.FromSeconds(21) };

        var failure = Assert.Single(new FlashSaleOptionsValidator().Validate(null, options).Failures!);
        Assert.StartsWith("FlashSale:SaleLeadTime must be between 00:00:00 and SaleDuration", failure, StringComparison.Ordinal);
    }
}
