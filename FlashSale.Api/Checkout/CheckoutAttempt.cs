namespace FlashSale.Api.Checkout;

// One row of checkout_attempts. UserId and ItemId are what the shopper sent (cleaned and cut to a safe
// length when the request was invalid); the hold fields are set only when the outcome is "ok".
public sealed record CheckoutAttempt(
    DateTimeOffset AttemptedAt,
    string? UserId,
    string? ItemId,
    long? SaleId,
    int? ItemIndex,
    string Outcome,
    string? Code,
    DateTimeOffset? ExpiresAt)
{
    public const string Granted = "ok";
    public const int MaxStoredLength = 128;

    // Keeps a refused request's raw input storable: no control characters (PostgreSQL text refuses NUL), bounded length.
    public static string? Clean(string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var cleaned = new string(raw.Where(c => !char.IsControl(c)).Take(MaxStoredLength).ToArray());
        return cleaned;
    }
}
