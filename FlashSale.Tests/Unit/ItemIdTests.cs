using FlashSale.Api.Sales;

namespace FlashSale.Tests.Unit;

public sealed class ItemIdTests
{
    [Fact]
    public void ItemIdNamesItsSaleAndZeroPaddedPosition()
    {
        Assert.Equal("42-000017", new ItemId(42, 17).ToString());
        Assert.Equal("9223372036854775807-999999", new ItemId(long.MaxValue, 999_999).ToString());
    }

    [Theory]
    [InlineData("42-000017", 42, 17)]
    [InlineData("1-000000", 1, 0)]
    [InlineData("9223372036854775807-999999", long.MaxValue, 999_999)]
    public void WellFormedIdsParse(string text, long saleId, int index)
    {
        Assert.True(ItemId.TryParse(text, out var id));
        Assert.Equal(new ItemId(saleId, index), id);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("42-17")]
    [InlineData("42-0000017")]
    [InlineData("-000017")]
    [InlineData("0-000017")]
    [InlineData("+4-000017")]
    [InlineData("42-00001a")]
    [InlineData("42--00017")]
    [InlineData("9223372036854775808-000001")]
    [InlineData("４２-000017")]
    [InlineData(" 42-000017")]
    public void MalformedIdsDoNotParse(string? text)
    {
        Assert.False(ItemId.TryParse(text, out _));
    }

    [Fact]
    public void StockGenerationGivesEveryItemANameAndItsOwnImage()
    {
        var item = new ItemId(7, 123);

        Assert.InRange(StockGenerator.NameOf(item).Split(' ').Length, 3, 4);
        Assert.Equal(StockGenerator.NameOf(item), StockGenerator.NameOf(new ItemId(7, 123)));
        Assert.Equal("https://picsum.photos/seed/7-000123/400/400", StockGenerator.ImageUrlOf(item));
        Assert.True(Enumerable.Range(0, 1000).Select(i => StockGenerator.NameOf(new ItemId(7, i))).Distinct().Count() > 500);
    }
}
