using System.Text.Json;
using System.Text.Json.Nodes;
using FlashSale.Tests.Contract.Generated;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Contract;

// A shopper's whole journey through the client NSwag generates from the checked-in document: if the document
// could not describe the API, this would not build or not pass.
[Collection(ServersCollection.Name)]
public sealed class GeneratedClientTests(Servers servers)
{
    public static readonly string CheckedInCopy = RepositoryRoot.PathOf("FlashSale.Tests", "Contract", "openapi.json");

    // Set FLASHSALE_WRITE_OPENAPI=1 to refresh the checked-in copy after changing the contract on purpose.
    [Fact]
    public async Task ServedDocumentIsTheCheckedInCopyTheClientIsGeneratedFrom()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var served = Normalized(await OpenApiDocumentTests.ServedDocumentAsync(stack));

        if (Environment.GetEnvironmentVariable("FLASHSALE_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CheckedInCopy, served);
        }

        Assert.Equal(Normalized(await File.ReadAllTextAsync(CheckedInCopy)), served);
    }

    private static string Normalized(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";

    [Fact]
    public async Task GeneratedClientRunsAShoppersWholeJourney()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var shopper = new FlashSaleApiClient(stack.Host.CreateClient());
        var admin = new FlashSaleApiClient(stack.Host.CreateAdminClient());

        var opened = await admin.CreateSaleAsync(new CreateSaleRequest { Total_items = 10 });
        var listed = await shopper.ListSalesAsync(limit: 5);
        var sale = await shopper.GetCurrentSaleAsync();
        Assert.Equal(opened.Id, sale.Id);
        Assert.Equal(SaleState.Running, sale.State);
        Assert.Equal(opened.Id, Assert.Single(listed.Sales).Id);

        var page = await shopper.ListSaleItemsAsync(sale.Id, Status.Available, limit: 3);
        Assert.Equal(3, page.Items.Count);
        var next = await shopper.ListSaleItemsAsync(sale.Id, Status.Available, after: page.Next, limit: 3);
        Assert.DoesNotContain(next.Items.First().Id, page.Items.Select(i => i.Id));

        var item = page.Items.First();
        var hold = await shopper.CheckoutAsync("alice", item.Id);
        Assert.True(hold.Expires_at <= sale.Ends_at);
        var receipt = await shopper.PurchaseAsync(hold.Code);
        Assert.Equal(item.Id, receipt.Item_id);
        Assert.Equal(receipt.Purchase_id, (await shopper.PurchaseAsync(hold.Code)).Purchase_id);

        var refused = await Assert.ThrowsAsync<ApiException<CheckoutProblem>>(() => shopper.CheckoutAsync("bob", item.Id));
        Assert.Equal(409, refused.StatusCode);
        Assert.Equal(CheckoutProblemCode.Item_sold, refused.Result.Code);
        var invalid = await Assert.ThrowsAsync<ApiException<PurchaseProblem>>(() => shopper.PurchaseAsync("not-a-code"));
        Assert.Equal(("code", PurchaseProblemCode.Invalid_request), (invalid.Result.Parameter, invalid.Result.Code));

        var mine = await shopper.ListUserPurchasesAsync("alice", sale.Id);
        Assert.Equal(receipt.Purchase_id, Assert.Single(mine.Purchases).Purchase_id);
        // The running sale's figures are exact within a second, not at once.
        var after = await Waiting.ReadUntilAsync(() => shopper.GetSaleAsync(sale.Id),
            read => read.Items_sold == 1 ? null : $"sale {sale.Id} shows {read.Items_sold} items sold, not 1");
        Assert.Equal((1, 9), (after.Items_sold, after.Items_available));
    }
}
