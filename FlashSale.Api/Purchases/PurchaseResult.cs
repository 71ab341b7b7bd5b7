using FlashSale.Api.Problems;

namespace FlashSale.Api.Purchases;

// What a purchase came to: its receipt (the first one, for a code redeemed before), or why not.
public readonly record struct PurchaseResult(PurchaseReceipt? Receipt, Refusal? Refusal)
{
    public static implicit operator PurchaseResult(PurchaseReceipt receipt) => new(receipt, null);

    public static implicit operator PurchaseResult(Refusal refusal) => new(null, refusal);
}
