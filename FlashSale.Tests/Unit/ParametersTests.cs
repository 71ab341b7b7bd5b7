using System.Text.RegularExpressions;
using CsCheck;
using FlashSale.Api.Sales;
using FlashSale.Api.Validation;

namespace FlashSale.Tests.Unit;

public sealed class ParametersTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("alice@example.com")]
    [InlineData("user-42_x.y+z:9")]
    public void ReasonableUserIdsAreAccepted(string userId)
    {
        Assert.True(Parameters.TryUserId(userId, "user_id", out var parsed, out _));
        Assert.Equal(userId, parsed);
    }

    // The pattern the OpenAPI document gives is the check the API makes, for any string of Latin-1 characters.
    [Fact]
    public void UserIdPatternAgreesWithTheCheck() =>
        Gen.Frequency((1, Gen.String[Gen.Char['\0', '\u00ff'], 0, 70]), (3, Gen.String[Gen.Char["aZ09._-@+: \nå/"], 0, 70]))
            .Sample(userId => Parameters.TryUserId(userId, "user_id", out _, out _) == (Regex.Match(userId, Parameters.UserIdPattern).Value == userId && userId.Length > 0), iter: 20_000);

    [Theory]
    [InlineData("a+b c")]
    [InlineData("Алиса")]
    [InlineData("ålice")]
    public void RefusalSaysAsciiAndHowToSendAPlus(string userId)
    {
        Assert.False(Parameters.TryUserId(userId, "user_id", out _, out var problem));
        var detail = problem.ProblemDetails.Detail!;
        Assert.Contains("ASCII letters", detail, StringComparison.Ordinal);
        Assert.Contains("%2B", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "user_id is required")]
    [InlineData("", "user_id is required")]
    [InlineData("al ice", "may contain only")]
    [InlineData("al/ice", "may contain only")]
    [InlineData("ålice", "may contain only")]
    [InlineData("alice\n", "may contain only")]
    public void BadUserIdsAreRefusedWithAReason(string? userId, string reason)
    {
        Assert.False(Parameters.TryUserId(userId, "user_id", out _, out var problem));
        var details = Assert.IsType<Microsoft.AspNetCore.Mvc.ProblemDetails>(problem.ProblemDetails);
        Assert.Equal(400, details.Status);
        Assert.Contains(reason, details.Detail, StringComparison.Ordinal);
        Assert.Equal("user_id", details.Extensions["parameter"]);
        Assert.Equal("invalid_request", details.Extensions["code"]);
    }

    [Fact]
    public void UserIdsAreAtMost64Characters()
    {
        Assert.True(Parameters.TryUserId(new string('a', 64), "user_id", out _, out _));
        Assert.False(Parameters.TryUserId(new string('a', 65), "user_id", out _, out _));
    }

    [Theory]
    [InlineData(null, 100)]
    [InlineData("1", 1)]
    [InlineData("1000", 1000)]
    public void LimitsWithinRangeAreAccepted(string? text, int expected)
    {
        Assert.True(Parameters.TryLimit(text, "limit", 100, 1000, out var limit, out _));
        Assert.Equal(expected, limit);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-5")]
    [InlineData("1e3")]
    [InlineData("99999999999")]
    public void LimitsOutsideTheRangeAreRefused(string text)
    {
        Assert.False(Parameters.TryLimit(text, "limit", 100, 1000, out _, out _));
    }

    [Theory]
    [InlineData(null, ItemStatusFilter.All)]
    [InlineData("all", ItemStatusFilter.All)]
    [InlineData("available", ItemStatusFilter.Available)]
    [InlineData("sold", ItemStatusFilter.Sold)]
    public void StatusFiltersParse(string? text, ItemStatusFilter expected)
    {
        Assert.True(Parameters.TryStatus(text, "status", out var status, out _));
        Assert.Equal(expected, status);
    }
}
