namespace FlashSale.Api.Checkout;

// What one checkout decided: "ok" with the hold's code (IsNew: made now, not an existing hold handed back
// again), or a refusal code: item_sold, item_reserved, user_limit_reached.
public sealed record HoldDecision(string Outcome, string? Code, DateTimeOffset? ExpiresAt, bool IsNew)
{
    public bool IsGranted => Outcome == CheckoutAttempt.Granted;

    public static HoldDecision Refused(string outcome) => new(outcome, null, null, false);
}
