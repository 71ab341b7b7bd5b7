using FlashSale.Api.Sales;

namespace FlashSale.Tests.Unit;

public sealed class KnownSoldItemsTests
{
    private static readonly DateTimeOffset Hour = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    private static Sale SaleAt(long id, DateTimeOffset startsAt, int items = 130) => new(id, startsAt, startsAt.AddMinutes(30), items, 10);

    [Fact]
    public void KnowsAnItemSoldOnlyInItsOwnSale()
    {
        var sold = new KnownSoldItems();
        var first = SaleAt(1, Hour);
        var second = SaleAt(2, Hour);

        sold.Add(first, 0);
        sold.Add(first, 64);
        sold.Add(first, 129);

        Assert.True(sold.Contains(first, 0));
        Assert.True(sold.Contains(first, 64));
        Assert.True(sold.Contains(first, 129));
        Assert.False(sold.Contains(first, 1));
        Assert.False(sold.Contains(first, 63));
        Assert.False(sold.Contains(second, 0));
        Assert.False(sold.Contains(second, 64));
    }

    [Fact]
    public void IndexesOutsideTheSaleAreNeverKnownSold()
    {
        var sold = new KnownSoldItems();
        var sale = SaleAt(1, Hour, items: 10);

        sold.Add(sale, 10);
        sold.Add(sale, -1);

        Assert.False(sold.Contains(sale, 10));
        Assert.False(sold.Contains(sale, -1));
        Assert.False(sold.Contains(sale, 0));
    }

    [Fact]
    public void ASaleOverBeforeTheNextStartedIsForgotten()
    {
        var sold = new KnownSoldItems();
        var earlier = SaleAt(1, Hour);
        var overlapping = SaleAt(2, Hour.AddMinutes(10));
        var next = SaleAt(3, Hour.AddHours(1));
        sold.Add(earlier, 5);

        sold.Add(overlapping, 5);
        Assert.True(sold.Contains(earlier, 5));

        sold.Add(next, 5);
        Assert.False(sold.Contains(earlier, 5));
        Assert.False(sold.Contains(overlapping, 5));
        Assert.True(sold.Contains(next, 5));
    }
}
