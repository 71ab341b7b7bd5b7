using System.Net;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Aspire;

public sealed class AdminKeyTests
{
    // Generated at the first start, kept in the data folder, the same at the next start, and it opens the admin API.
    [Fact]
    public async Task TheAdminKeyIsKeptInTheDataFolderAndOpensTheAdminApiAtEveryStart()
    {
        var data = Path.Combine(Path.GetTempPath(), $"flashsale-apphost-{Guid.NewGuid():N}");
        try
        {
            List<string> keys = [];
            for (var start = 0; start < 2; start++)
            {
                await using var appHost = AppHostProcess.StartOn(data, "--Stack:Replicas=1", "--FlashSale:AutoStart=false");
                var key = await appHost.ReportedAsync("admin API key");
                var api = new Uri(await appHost.ReportedAsync("API"));
                keys.Add(key);

                using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
                http.DefaultRequestHeaders.Add("X-Api-Key", key);
                var startsAt = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(2).AddHours(start), TimeSpan.Zero);
                var sale = await new FlashSaleClient(http).CreateSaleAsync(10, startsAt, startsAt.AddMinutes(10));
                Assert.Equal(HttpStatusCode.Created, sale.Status);
            }

            Assert.Equal(keys[0], keys[1]);
            Assert.Equal(keys[0], File.ReadAllText(Path.Combine(data, "admin-api-key")).Trim());
        }
        finally
        {
            AppHostProcess.DeleteFolder(data);
        }
    }
}
