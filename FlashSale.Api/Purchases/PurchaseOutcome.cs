namespace FlashSale.Api.Purchases;

// What purchase_batch decided for one code.
public sealed record PurchaseOutcome(string Outcome, PurchaseReceipt? Receipt)
{
    public const string Purchased = "purchased";
    public const string AlreadyPurchased = "already_purchased";
    public const string Retry = "retry";
}
