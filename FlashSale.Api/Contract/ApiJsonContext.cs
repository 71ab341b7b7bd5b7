using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.Api.Checkout;
using FlashSale.Api.Purchases;
using FlashSale.Api.Sales;
using FlashSale.Api.Users;

namespace FlashSale.Api.Contract;

// Every type the HTTP API reads or writes as JSON, with the HTTP options' settings (FlashSaleExtensions): their code is
// generated at build time rather than made by reflection at run time, so the API can be compiled ahead of time (Native
// AOT has no reflection serializer), and a type missing here fails every test that touches it (reflection is off).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(CheckoutResponse))]
[JsonSerializable(typeof(PurchaseReceipt))]
[JsonSerializable(typeof(SaleResponse))]
[JsonSerializable(typeof(SalePageResponse))]
[JsonSerializable(typeof(ItemPageResponse))]
[JsonSerializable(typeof(CreateSaleRequest))]
[JsonSerializable(typeof(UserPurchasesResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

// A receipt as Redis keeps it per redeemed code (web defaults, snake_case names), read back by any replica.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PurchaseReceipt))]
internal sealed partial class ReceiptJsonContext : JsonSerializerContext;
