namespace FlashSale.Api.Checkout;

public sealed record CheckoutResponse(string Code, long SaleId, string ItemId, string UserId, DateTimeOffset ExpiresAt);
