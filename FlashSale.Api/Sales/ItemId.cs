using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FlashSale.Api.Sales;

// An item id names its sale and its position, "{saleId}-{index:000000}", so that whether an item belongs
// to the running sale is known by parsing alone, before any I/O.
public readonly record struct ItemId(long SaleId, int Index)
{
    public const int IndexDigits = 6;
    public const int MaxLength = 19 + 1 + IndexDigits;

    // The shape TryParse accepts (a sale id above 0, dash, six digits), as the OpenAPI document states it.
    public const string Pattern = "^0*[1-9][0-9]*-[0-9]{6}$";

    public const string Example = "42-000017";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{SaleId}-{Index:D6}");

    public static bool TryParse([NotNullWhen(true)] string? text, out ItemId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || text.Length - dash - 1 != IndexDigits)
        {
            return false;
        }

        var sale = text.AsSpan(0, dash);
        var index = text.AsSpan(dash + 1);
        if (!IsDigits(sale) || !IsDigits(index)
            || !long.TryParse(sale, NumberStyles.None, CultureInfo.InvariantCulture, out var saleId) || saleId <= 0
            || !int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            return false;
        }

        id = new ItemId(saleId, position);
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
