using System.Text.Json;
using FlashSale.Api.Contract;

namespace FlashSale.Api.Purchases;

// The answer to a purchase. It is also what Redis keeps per redeemed code, so that a repeated purchase
// gets the very same answer without touching PostgreSQL.
public sealed record PurchaseReceipt(long PurchaseId, long SaleId, string ItemId, string UserId, DateTimeOffset PurchasedAt)
{
    public string ToJson() => JsonSerializer.Serialize(this, ReceiptJsonContext.Default.PurchaseReceipt);

    public static PurchaseReceipt? FromJson(string json) => JsonSerializer.Deserialize(json, ReceiptJsonContext.Default.PurchaseReceipt);
}
