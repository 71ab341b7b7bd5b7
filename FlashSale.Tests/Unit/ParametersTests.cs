using System.Text.RegularExpressions;
using CsCheck;
using FlashSale.Api.Checkout;
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
        var detail = problem.Detail;
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
        var details = Assert.IsType<Microsoft.AspNetCore.Mvc.ProblemDetails>(FlashSale.Api.Problems.Problem.For(problem).ProblemDetails);
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

    // The OpenAPI document states these patterns; they must accept exactly what the validation accepts.
    [Theory]
    [InlineData("alice")]
    [InlineData("user-42_x.y+z:9@a")]
    [InlineData("")]
    [InlineData("al ice")]
    [InlineData("alice\n")]
    [InlineData("ålice")]
    [InlineData("1234567890123456789012345678901234567890123456789012345678901234")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
    public void UserIdPatternMatchesExactlyTheAcceptedUserIds(string value) =>
        Assert.Equal(Parameters.TryUserId(value, "user_id", out _, out _), Matches(Parameters.UserIdPattern, value));

    [Theory]
    [InlineData("42-000017")]
    [InlineData("007-000001")]
    [InlineData("0-000001")]
    [InlineData("42-17")]
    [InlineData("42-0000017")]
    [InlineData("-000017")]
    [InlineData("4a-000017")]
    [InlineData("42-000017\n")]
    [InlineData("9223372036854775807-999999")]
    public void ItemIdPatternMatchesExactlyTheAcceptedItemIds(string value) =>
        Assert.Equal(ItemId.TryParse(value, out _), Matches(ItemId.Pattern, value) && value.Length <= ItemId.MaxLength);

    [Theory]
    [InlineData("3f2a9c0e51b84d7a9e6c2b1f0d4a8e57")]
    [InlineData("3F2A9C0E51B84D7A9E6C2B1F0D4A8E57")]
    [InlineData("3f2a9c0e51b84d7a9e6c2b1f0d4a8e5")]
    [InlineData("3f2a9c0e51b84d7a9e6c2b1f0d4a8e5g")]
    [InlineData("3f2a9c0e51b84d7a9e6c2b1f0d4a8e57\n")]
    public void CodePatternMatchesExactlyTheAcceptedCodes(string value) =>
        Assert.Equal(CheckoutCode.TryNormalize(value, out _), Matches(CheckoutCode.Pattern, value));

    // JSON Schema patterns are ECMA 262, where $ ends the text; in .NET it may also stand before a last newline.
    private static bool Matches(string pattern, string value) =>
        Regex.IsMatch(value, pattern.TrimEnd('$') + @"\z", RegexOptions.CultureInvariant);
}
