using System.Net;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Aspire;

// How the tests through the AppHost wait for something to become true: one patience, one polling loop.
public static class Waiting
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // Retries until the check says nothing is missing (null), or fails with what it said last.
    public static async Task Eventually(Func<Task<string?>> check)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await check() is { } missing)
        {
            Assert.True(DateTime.UtcNow < deadline, missing);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    public static async Task<SaleDto> WaitForAutoStartedSaleAsync(FlashSaleClient api)
    {
        SaleDto? sale = null;
        await Eventually(async () =>
        {
            var current = await api.CurrentSaleAsync();
            sale = current.Status == HttpStatusCode.OK ? current.Value : null;
            return sale is null ? $"The API opened no sale: GET /sales/current answered {(int)current.Status}" : null;
        });
        return sale!;
    }
}
