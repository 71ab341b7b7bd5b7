using System.Net;
using System.Net.Http.Json;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

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

    // PostgreSQL's timestamptz takes UTC only: an offset is converted, the instant kept.
    [Fact]
    public async Task StartsAtWithAnOffsetIsTheSameInstantInUtc()
    {
        await using var stack = await TestStack.StartAsync(servers);

        var reply = await SendAsync(stack, """{"total_items":5,"starts_at":"2035-01-01T00:00:00+02:00","ends_at":"2035-01-01T01:00:00-05:00"}""");

        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        Assert.True(reply.Headers.Contains(FlashSaleHost.ReplicaHeader));
        var sale = (await reply.Content.ReadFromJsonAsync<SaleDto>(FlashSaleClient.Json))!;
        Assert.Equal(new DateTimeOffset(2034, 12, 31, 22, 0, 0, TimeSpan.Zero), sale.StartsAt);
        Assert.Equal(new DateTimeOffset(2035, 1, 1, 6, 0, 0, TimeSpan.Zero), sale.EndsAt);
        Assert.Equal(TimeSpan.Zero, sale.StartsAt.Offset);
        Assert.Equal(1L, await stack.ScalarAsync<long>("select count(*) from sales where starts_at = '2034-12-31T22:00:00Z'"));
    }

    [Theory]
    [InlineData("""{"total_items":5,"starts_at":"9999-12-31T23:59:59Z"}""", "starts_at")]
    [InlineData("""{"total_items":5,"starts_at":"9999-12-31T23:59:59+14:00"}""", "starts_at")]
    [InlineData("""{"total_items":5,"starts_at":"9999-12-25T00:00:00Z","ends_at":"9999-12-31T23:59:59.9999999Z"}""", "starts_at")]
    [InlineData("""{"total_items":5,"ends_at":"9999-12-31T23:59:59.9999999Z"}""", "ends_at")]
    [InlineData("""{"total_items":5,"starts_at":"0001-01-01T00:00:00Z","ends_at":"0001-01-01T01:00:00Z"}""", "starts_at")]
    public async Task TimesAtTheEdgesOfTimeAreRefusedNamingTheParameter(string body, string parameter)
    {
        await using var stack = await TestStack.StartAsync(servers);

        var reply = await SendAsync(stack, body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        Assert.Equal("application/problem+json", reply.Content.Headers.ContentType?.MediaType);
        var problem = await reply.Content.ReadFromJsonAsync<ProblemDto>(FlashSaleClient.Json);
        Assert.Equal(("invalid_request", parameter), (problem!.Code, problem.Parameter));
        Assert.True(reply.Headers.Contains(FlashSaleHost.ReplicaHeader));
        Assert.Equal(0L, await stack.ScalarAsync<long>("select count(*) from sales"));
    }

    // The exception handler clears the headers of a request that failed: its 500 must still name the replica.
    [Fact]
    public async Task AnUnexpectedFailureIsAProblemThatNamesItsReplica()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s with
        {
            Services = services => services.AddSingleton<IStartupFilter>(new FailingRoute("/test/fail")),
        });

        var reply = await stack.Host.CreateClient().GetAsync(new Uri("/test/fail", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.StatusCode);
        Assert.Equal("application/problem+json", reply.Content.Headers.ContentType?.MediaType);
        Assert.Equal("internal_error", (await reply.Content.ReadFromJsonAsync<ProblemDto>(FlashSaleClient.Json))!.Code);
        Assert.NotEmpty(reply.Headers.GetValues(FlashSaleHost.ReplicaHeader).Single());
    }

    private static Task<HttpResponseMessage> SendAsync(TestStack stack, string body) =>
        stack.Host.CreateAdminClient().PostAsync(new Uri("/admin/sales", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    // A route that throws what no handler expects, behind the app's whole pipeline.
    private sealed class FailingRoute(string path) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(path, failing => failing.Run(_ => throw new InvalidOperationException("a bug")));
        };
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
