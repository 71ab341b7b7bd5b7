using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using FlashSale.Api.Checkout;
using FlashSale.Api.Problems;
using FlashSale.Api.Sales;

namespace FlashSale.Api.Validation;

// Parses query and route values without I/O. Each failure is an invalid_request refusal (400) naming the
// parameter; nothing is written for a request that fails here.
public static class Parameters
{
    public const int MaxUserIdLength = 64;

    // What a user id may be, as the OpenAPI document and the README say it; IsUserIdChar and the 400's detail agree.
    public const string UserIdPattern = "^[A-Za-z0-9._@+:-]{1,64}$";
    public const string UserIdRule = "1 to 64 characters, each an ASCII letter (A-Z, a-z), an ASCII digit (0-9) or one of . _ - @ + : (case matters)";
    public const string UserIdInQuery = UserIdRule + ". In a query string a + sent unencoded arrives as a space, which is refused: send it as %2B.";
    public const string UserIdInPath = UserIdRule + ". In the path a + stays a +; other characters are percent-decoded first.";

    public static bool TryUserId(string? value, string name, [NotNullWhen(true)] out string? userId, [NotNullWhen(false)] out Refusal? problem)
    {
        userId = null;
        problem = Missing(value, name);
        if (problem is not null)
        {
            return false;
        }

        if (value!.Length > MaxUserIdLength)
        {
            problem = Refusal.InvalidRequest(name, $"{name} must be at most {MaxUserIdLength} characters long");
            return false;
        }

        if (!value.All(IsUserIdChar))
        {
            problem = Refusal.InvalidRequest(name, $"{name} may contain only ASCII letters, ASCII digits and . _ - @ + : (a + sent unencoded in a query string arrives as a space: send %2B)");
            return false;
        }

        userId = value;
        return true;
    }

    public static bool TryItemId(string? value, string name, out ItemId itemId, [NotNullWhen(false)] out Refusal? problem)
    {
        itemId = default;
        problem = Missing(value, name);
        if (problem is not null)
        {
            return false;
        }

        if (!ItemId.TryParse(value, out itemId))
        {
            problem = Refusal.InvalidRequest(name, $"{name} must be an item id such as 42-000017 (sale id, dash, six-digit position)");
            return false;
        }

        return true;
    }

    public static bool TryCode(string? value, string name, [NotNullWhen(true)] out string? code, [NotNullWhen(false)] out Refusal? problem)
    {
        code = null;
        problem = Missing(value, name);
        if (problem is not null)
        {
            return false;
        }

        if (!CheckoutCode.TryNormalize(value!, out code))
        {
            problem = Refusal.InvalidRequest(name, $"{name} must be the {CheckoutCode.Length}-character code returned by checkout");
            return false;
        }

        return true;
    }

    public static bool TrySaleId(string? value, string name, out long saleId, [NotNullWhen(false)] out Refusal? problem)
    {
        saleId = 0;
        problem = Missing(value, name);
        if (problem is not null)
        {
            return false;
        }

        if (value!.Length > 19 || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out saleId) || saleId <= 0)
        {
            problem = Refusal.InvalidRequest(name, $"{name} must be a positive whole number");
            return false;
        }

        return true;
    }

    // An optional sale id: absent is null, present must be valid.
    public static bool TryOptionalSaleId(string? value, string name, out long? saleId, [NotNullWhen(false)] out Refusal? problem)
    {
        saleId = null;
        problem = null;
        if (value is null)
        {
            return true;
        }

        if (!TrySaleId(value, name, out var parsed, out problem))
        {
            return false;
        }

        saleId = parsed;
        return true;
    }

    public static bool TryLimit(string? value, string name, int defaultValue, int max, out int limit, [NotNullWhen(false)] out Refusal? problem)
    {
        limit = defaultValue;
        problem = null;
        if (value is null)
        {
            return true;
        }

        if (value.Length > 9 || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > max)
        {
            problem = Refusal.InvalidRequest(name, $"{name} must be a whole number from 1 to {max}");
            return false;
        }

        return true;
    }

    public static bool TryStatus(string? value, string name, out ItemStatusFilter status, [NotNullWhen(false)] out Refusal? problem)
    {
        problem = null;
        status = value switch
        {
            null or "all" => ItemStatusFilter.All,
            "available" => ItemStatusFilter.Available,
            "sold" => ItemStatusFilter.Sold,
            _ => (ItemStatusFilter)(-1),
        };
        if (!Enum.IsDefined(status))
        {
            problem = Refusal.InvalidRequest(name, $"{name} must be one of available, sold, all");
            return false;
        }

        return true;
    }

    private static Refusal? Missing(string? value, string name) =>
        string.IsNullOrEmpty(value) ? Refusal.InvalidRequest(name, $"{name} is required") : null;

    private static bool IsUserIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+' or ':';
}
