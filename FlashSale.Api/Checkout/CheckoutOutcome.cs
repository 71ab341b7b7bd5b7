using FlashSale.Api.Problems;

namespace FlashSale.Api.Checkout;

// What a checkout came to: the hold it granted, or why not.
public readonly record struct CheckoutOutcome(CheckoutResponse? Hold, Refusal? Refusal)
{
    public static implicit operator CheckoutOutcome(CheckoutResponse hold) => new(hold, null);

    public static implicit operator CheckoutOutcome(Refusal refusal) => new(null, refusal);
}
