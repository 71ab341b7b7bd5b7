namespace FlashSale.Api.Sales;

// Sale windows are aligned to the clock: with a one-hour duration they start on the hour (UTC).
public static class SaleCalendar
{
    public static SaleWindow WindowAt(DateTimeOffset now, TimeSpan duration)
    {
        var utc = now.ToUniversalTime();
        var startTicks = utc.UtcTicks - (utc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % duration.Ticks;
        var start = new DateTimeOffset(startTicks, TimeSpan.Zero);
        return new SaleWindow(start, start + duration);
    }
}
