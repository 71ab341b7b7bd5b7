using System.Net;
using System.Net.Http.Json;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Integration;

[Collection(ServersCollection.Name)]
public sealed class AdminApiTests(Servers servers)
{
    [Fact]
    public async Task AdminOpensASaleWithItsWholeStock()
    {
        await using var stack = await TestStack.StartAsync(servers);

        var reply = await stack.Admin.CreateSaleAsync(1234);

        var sale = reply.Ok();
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal($"/sales/{sale.Id}", reply.Location?.OriginalString);
        Assert.Equal((1234, 0, 1234), (sale.TotalItems, sale.ItemsSold, sale.ItemsAvailable));
        Assert.Equal(1234L, await stack.ScalarAsync<long>("select count(*) from items where sale_id = $1", sale.Id));
        Assert.Equal(1234L, await stack.ScalarAsync<long>("select count(distinct name || image_url) from items where sale_id = $1", sale.Id));
        Assert.Equal(sale.Id, (await stack.Api.CurrentSaleAsync()).Ok().Id);
    }

    [Fact]
    public async Task OverlappingSaleIsAConflict()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var now = DateTimeOffset.UtcNow;
        (await stack.Admin.CreateSaleAsync(5, now, now.AddMinutes(30))).Ok();

        (await stack.Admin.CreateSaleAsync(5, now.AddMinutes(29), now.AddMinutes(90))).Refused(HttpStatusCode.Conflict, "sale_overlaps");
        (await stack.Admin.CreateSaleAsync(5, now.AddMinutes(30), now.AddMinutes(90))).Ok();
        Assert.Equal(2L, await stack.ScalarAsync<long>("select count(*) from sales"));
    }

    [Fact]
    public async Task AdminRoutesNeedTheKey()
    {
        await using var stack = await TestStack.StartAsync(servers);

        (await stack.Api.CreateSaleAsync(5)).Refused(HttpStatusCode.Unauthorized, "unauthorized");
        var wrong = stack.Host.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key-at-all");
        (await new FlashSaleClient(wrong).CreateSaleAsync(5)).Refused(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from sales"));
    }

    [Fact]
    public async Task AdminRoutesAreOffWithoutAConfiguredKey()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:AdminApiKey", ""));

        (await stack.Admin.CreateSaleAsync(5)).Refused(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"total_items":0}""", "total_items")]
    [InlineData("""{"total_items":1000000}""", "total_items")]
    [InlineData("""{}""", "total_items")]
    [InlineData("""{"total_items":5,"starts_at":"2030-01-01T10:00:00Z","ends_at":"2030-01-01T09:00:00Z"}""", "ends_at")]
    [InlineData("""{"total_items":5,"starts_at":"2020-01-01T10:00:00Z","ends_at":"2020-01-01T11:00:00Z"}""", "ends_at")]
    public async Task InvalidSaleRequestsAreRefused(string body, string parameter)
    {
        await using var stack = await TestStack.StartAsync(servers);
        var client = stack.Host.CreateAdminClient();

        var reply = await client.PostAsync(new Uri("/admin/sales", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        var problem = await reply.Content.ReadFromJsonAsync<ProblemDto>(FlashSaleClient.Json);
        Assert.Equal(("invalid_request", parameter), (problem!.Code, problem.Parameter));
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from sales"));
    }

    [Theory]
    [InlineData("""{"total_items":"many"}""")]
    [InlineData("""{"total_items":""")]
    public async Task MalformedJsonIsABadRequestWithAProblemBody(string body)
    {
        await using var stack = await TestStack.StartAsync(servers);
        var client = stack.Host.CreateAdminClient();

        var reply = await client.PostAsync(new Uri("/admin/sales", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal("application/problem+json", reply.Content.Headers.ContentType?.MediaType);
        var problem = await reply.Content.ReadFromJsonAsync<ProblemDto>(FlashSaleClient.Json);
        Assert.Equal("invalid_request", problem!.Code);
    }
}
