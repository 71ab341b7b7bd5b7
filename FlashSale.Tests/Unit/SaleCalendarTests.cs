using FlashSale.Api.Sales;

namespace FlashSale.Tests.Unit;

public sealed class SaleCalendarTests
{
    [Theory]
    [InlineData("2026-11-25T14:00:00Z", "2026-11-25T14:00:00Z")]
    [InlineData("2026-11-25T14:59:59.999Z", "2026-11-25T14:00:00Z")]
    [InlineData("2026-11-25T15:00:00Z", "2026-11-25T15:00:00Z")]
    [InlineData("2026-11-25T16:30:00+02:00", "2026-11-25T14:00:00Z")]
    public void HourlyWindowsStartOnTheHourUtc(string now, string expectedStart)
    {
        var window = SaleCalendar.WindowAt(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(1));

        Assert.Equal(DateTimeOffset.Parse(expectedStart, System.Globalization.CultureInfo.InvariantCulture), window.StartsAt);
        Assert.Equal(window.StartsAt.AddHours(1), window.EndsAt);
        Assert.Equal(TimeSpan.Zero, window.StartsAt.Offset);
    }

    [Fact]
    public void ShorterWindowsAreAlignedToTheirOwnLength()
    {
        var window = SaleCalendar.WindowAt(new DateTimeOffset(2026, 11, 25, 14, 17, 31, TimeSpan.Zero), TimeSpan.FromMinutes(15));

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 14, 15, 0, TimeSpan.Zero), window.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 14, 30, 0, TimeSpan.Zero), window.EndsAt);
    }

    [Fact]
    public void ConsecutiveWindowsNeitherOverlapNorLeaveGaps()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var window = SaleCalendar.WindowAt(start, TimeSpan.FromHours(1));
        for (var i = 0; i < 48; i++)
        {
            var next = SaleCalendar.WindowAt(window.EndsAt, TimeSpan.FromHours(1));
            Assert.Equal(window.EndsAt, next.StartsAt);
            window = next;
        }
    }
}
