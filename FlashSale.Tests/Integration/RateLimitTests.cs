using System.Net;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.PropertyBased;

namespace FlashSale.Tests.Integration;

// Rate limiting is off unless configured; on, a client or a user id over its limit gets 429 too_many_requests with
// Retry-After, and nobody else is slowed down.
[Collection(ServersCollection.Name)]
public sealed class RateLimitTests(Servers servers)
{
    private static readonly IPAddress Bot = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Shopper = IPAddress.Parse("198.51.100.9");

    [Fact]
    public async Task OneClientCannotHoardHoldsAcrossManyUserIds()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s
            .With("FlashSale:RateLimit:PerClient", "5")
            .With("FlashSale:RateLimit:Window", "00:01:00"));
        var sale = await stack.OpenSaleAsync(50);

        var answers = new List<ProbeAnswer>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await Checkout($"bot{i}", $"{sale.Id}-{i:D6}").SendAsync(stack.Host.Server, Bot));
        }

        Assert.All(answers.Take(5), answer => Assert.Equal(200, answer.Status));
        Assert.All(answers.Skip(5), answer =>
        {
            Assert.Equal(429, answer.Status);
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.Equal("too_many_requests", answer.Code);
            Assert.InRange(int.Parse(answer.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            Assert.True(answer.Headers.ContainsKey(Api.Extensions.FlashSaleExtensions.ReplicaHeader));
        });
        Assert.Equal(5L, await stack.ScalarAsync<long>("select count(*) from checkout_attempts"));

        var other = await Checkout("alice", $"{sale.Id}-000010").SendAsync(stack.Host.Server, Shopper);
        Assert.Equal(200, other.Status);
        var probe = await new Probe("GET", "/health", "", [], null, null).SendAsync(stack.Host.Server, Bot);
        Assert.Equal(200, probe.Status);
    }

    [Fact]
    public async Task ManyClientsCannotExceedOneUserIdsLimit()
    {
        await using var stack = await TestStack.StartAsync(servers, s => s
            .With("FlashSale:RateLimit:PerUser", "3")
            .With("FlashSale:RateLimit:Window", "00:01:00"));
        var sale = await stack.OpenSaleAsync(50);

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var client = IPAddress.Parse($"192.0.2.{i + 1}");
            statuses.Add((await Checkout("mallory", $"{sale.Id}-{i:D6}").SendAsync(stack.Host.Server, client)).Status);
        }

        Assert.Equal([200, 200, 200, 429, 429], statuses);
        var purchases = await new Probe("GET", "/users/mallory/purchases", "", [], null, null).SendAsync(stack.Host.Server, Shopper);
        Assert.Equal(429, purchases.Status);
        Assert.Equal(200, (await Checkout("alice", $"{sale.Id}-000010").SendAsync(stack.Host.Server, Bot)).Status);
    }

    // Behind a trusted proxy the client is the one its X-Forwarded-For names; anyone else's X-Forwarded-For is ignored.
    [Fact]
    public async Task OnlyATrustedProxyMayNameTheClient()
    {
        var proxy = IPAddress.Parse("10.0.0.1");
        await using var stack = await TestStack.StartAsync(servers, s => s
            .With("FlashSale:RateLimit:PerClient", "2")
            .With("FlashSale:RateLimit:Window", "00:01:00")
            .With("FlashSale:RateLimit:TrustedProxies:0", proxy.ToString()));

        async Task<int> StatusAsync(IPAddress from, string forwardedFor) =>
            (await new Probe("GET", "/sales/current", "", [new("X-Forwarded-For", forwardedFor)], null, null).SendAsync(stack.Host.Server, from)).Status;

        var viaProxy = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            viaProxy.Add(await StatusAsync(proxy, $"192.0.2.{i + 1}"));
        }

        var spoofed = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            spoofed.Add(await StatusAsync(Bot, $"192.0.2.{i + 100}"));
        }

        Assert.DoesNotContain(429, viaProxy);
        Assert.Equal([404, 404, 429], spoofed);
    }

    [Fact]
    public async Task WithoutSettingsNothingIsLimited()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var sale = await stack.OpenSaleAsync(5);

        for (var i = 0; i < 200; i++)
        {
            Assert.NotEqual(429, (await Checkout($"u{i}", $"{sale.Id}-999999").SendAsync(stack.Host.Server, Bot)).Status);
        }
    }

    private static Probe Checkout(string userId, string itemId) => new("POST", "/checkout", $"?user_id={userId}&id={itemId}", [], null, null);
}
