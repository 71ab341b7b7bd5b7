using FlashSale.Api.Checkout;

namespace FlashSale.Tests.Unit;

public sealed class CheckoutCodeTests
{
    [Fact]
    public void CodesAre128RandomBitsInLowercaseHex()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => CheckoutCode.New()).ToList();

        Assert.All(codes, code => Assert.Matches("^[0-9a-f]{32}$", code));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        var ones = codes.Take(1000).Sum(code => Convert.FromHexString(code).Sum(b => System.Numerics.BitOperations.PopCount(b)));
        Assert.InRange(ones / (1000.0 * 128), 0.48, 0.52);
    }

    [Fact]
    public void CodesDrawnOnManyThreadsAtOnceAreAllDifferent()
    {
        var codes = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => codes.Add(CheckoutCode.New()));

        Assert.Equal(20_000, codes.Distinct().Count());
        Assert.All(codes, code => Assert.NotEqual(new string('0', CheckoutCode.Length), code));
    }

    [Theory]
    [InlineData("0123456789ABCDEF0123456789abcdef", "0123456789abcdef0123456789abcdef")]
    [InlineData("ffffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffff")]
    public void CodesAreNormalisedToLowercase(string text, string expected)
    {
        Assert.True(CheckoutCode.TryNormalize(text, out var code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData("0123456789abcdef 123456789abcdef")]
    public void MalformedCodesAreRejected(string text)
    {
        Assert.False(CheckoutCode.TryNormalize(text, out _));
    }

    [Fact]
    public void LogsSeeOnlyTheStartOfACode()
    {
        var code = CheckoutCode.New();

        var redacted = CheckoutCode.Redact(code);

        Assert.StartsWith(code[..6], redacted, StringComparison.Ordinal);
        Assert.True(redacted.Length < 10);
    }
}
