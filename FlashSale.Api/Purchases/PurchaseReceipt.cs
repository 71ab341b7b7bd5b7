using System.Text.Json;

namespace FlashSale.Api.Purchases;

// The answer to a purchase. It is also what Redis keeps per redeemed code, so that a repeated purchase
// gets the very same answer without touching PostgreSQL.
public sealed record PurchaseReceipt(long PurchaseId, long SaleId, string ItemId, string UserId, DateTimeOffset PurchasedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PurchaseReceipt? FromJson(string json) => JsonSerializer.Deserialize<PurchaseReceipt>(json, Json);
}
