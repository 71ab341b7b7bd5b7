namespace FlashSale.Tests.Infrastructure;

// The hourly sale the API opens by itself ends on the hour, and the next begins: a test that buys from it and then
// reads figures of "the running sale" starts far enough from the hour's end that both are the same sale.
public static class SaleHour
{
    public static async Task StartAtLeastAsync(TimeSpan beforeItsEnd)
    {
        var now = DateTimeOffset.UtcNow;
        var end = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        if (end - now < beforeItsEnd)
        {
            await Task.Delay(end - now + TimeSpan.FromSeconds(2));
        }
    }
}
