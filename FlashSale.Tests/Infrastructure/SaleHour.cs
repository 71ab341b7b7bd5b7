using FlashSale.Api.Sales;

namespace FlashSale.Tests.Infrastructure;

// The hourly sale the API opens by itself ends on the hour, and the next begins: a test that buys from it and then
// reads figures of "the running sale" starts far enough from the hour's end that both are the same sale.
public static class SaleHour
{
    public static async Task StartAtLeastAsync(TimeSpan beforeItsEnd)
    {
        var now = DateTimeOffset.UtcNow;
        var end = SaleCalendar.WindowAt(now, TimeSpan.FromHours(1)).EndsAt;
        if (end - now < beforeItsEnd)
        {
            await Task.Delay(end - now + TimeSpan.FromSeconds(2));
        }
    }
}
