using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace FlashSale.Api.Checkout;

// 128 random bits as 32 lowercase hex characters: unguessable, and safe in URLs, logs and Redis values.
public static class CheckoutCode
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool TryNormalize(string text, [NotNullWhen(true)] out string? code)
    {
        code = null;
        if (text.Length != Length || !text.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        code = text.ToLowerInvariant();
        return true;
    }

    // Codes are secrets: logs carry only their first characters.
    public static string Redact(string code) => code.Length <= 6 ? "***" : code[..6] + "…";
}
