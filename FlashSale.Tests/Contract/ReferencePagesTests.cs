using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FlashSale.Tests.Contract;

[Collection(ServersCollection.Name)]
public sealed class ReferencePagesTests(Servers servers)
{
    [Fact]
    public async Task RootLeadsToTheReferencePage()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var client = stack.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var root = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/scalar", root.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await stack.Host.CreateClient().GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
    }

    // Agent Scalar ("Ask AI"), MCP and SDK generation, and the developer toolbar ("Deploy") need the internet.
    [Fact]
    public async Task ReferencePageOffersOnlyWhatWorksOffline()
    {
        await using var stack = await TestStack.StartAsync(servers);

        var page = await stack.Host.CreateClient().GetStringAsync(new Uri("/scalar", UriKind.Relative));

        Assert.Contains("\"showDeveloperTools\":\"never\"", page, StringComparison.Ordinal);
        Assert.Contains("\"agent\":{\"disabled\":true}", page, StringComparison.Ordinal);
        Assert.Contains("\"mcp\":{\"disabled\":true}", page, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", page, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadRoutesAnswerHeadAsTheyAnswerGetWithoutABody()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(3);
        var client = stack.Host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/", "/sales", "/sales/current", $"/sales/{sale.Id}", $"/sales/{sale.Id}/items", $"/sales/{sale.Id + 1}",
                     "/users/alice/purchases", "/openapi/v1.json", "/health" })
        {
            using var get = await client.GetAsync(new Uri(path, UriKind.Relative));
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

            Assert.True(get.StatusCode == head.StatusCode, $"HEAD {path}: {(int)head.StatusCode}, GET: {(int)get.StatusCode}");
            Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
            Assert.True(head.Headers.Contains("X-FlashSale-Replica"), path);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }

        using var checkout = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/checkout?user_id=alice&id={FlashSaleClient.ItemId(sale.Id, 0)}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, checkout.StatusCode);
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts"));
    }
}
