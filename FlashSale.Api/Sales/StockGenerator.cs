namespace FlashSale.Api.Sales;

// Item names and image URLs are made when a sale is created: realistic product names, the same for an item
// whichever replica creates the sale.
public static class StockGenerator
{
    private static readonly string[] Adjectives =
    [
        "Ergonomic", "Rustic", "Sleek", "Handcrafted", "Refined", "Vintage", "Compact", "Premium", "Lightweight", "Durable",
        "Elegant", "Modern", "Classic", "Smart", "Portable", "Wireless", "Insulated", "Foldable", "Waterproof", "Gorgeous",
    ];

    private static readonly string[] Materials =
    [
        "Steel", "Wooden", "Cotton", "Leather", "Granite", "Bamboo", "Ceramic", "Copper", "Wool", "Carbon",
        "Glass", "Linen", "Titanium", "Marble", "Aluminium", "Oak", "Silk", "Rubber", "Walnut", "Concrete",
    ];

    private static readonly string[] Products =
    [
        "Chair", "Lamp", "Backpack", "Headphones", "Kettle", "Watch", "Sneakers", "Jacket", "Keyboard", "Speaker",
        "Water Bottle", "Desk", "Notebook", "Sunglasses", "Mug", "Blender", "Camera Bag", "Wallet", "Scarf", "Toaster",
    ];

    public static string NameOf(ItemId item)
    {
        var random = new Random(unchecked((int)(item.SaleId * 1_000_003) ^ item.Index));
        return $"{Adjectives[random.Next(Adjectives.Length)]} {Materials[random.Next(Materials.Length)]} {Products[random.Next(Products.Length)]}";
    }

    public static string ImageUrlOf(ItemId item) => $"https://picsum.photos/seed/{item}/400/400";
}
