using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using CsCheck;
using FlashSale.Api.Problems;
using FlashSale.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlashSale.Tests.PropertyBased;

// Generated bad input over every endpoint, sent in-process to one replica on real PostgreSQL and Redis while a sale
// of BadInputs.ItemsOnSale items runs. Every answer must be a 4xx problem+json with a known `code` and the replica
// header (a read may also answer 200: unknown query parameters are ignored), never a 5xx; and after each batch
// PostgreSQL must hold exactly what the answers account for: one checkout attempt row per checkout that reached
// its handler (every attempt is stored, refused or not), and nothing else.
[Collection(ServersCollection.Name)]
public sealed class BadInputTests(BadInputTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<BadInputTests.Fixture>
{
    private const int BatchSize = 250;

    [Fact]
    public Task CheckoutRefusesEveryBadInput() => RunAsync(BadInputs.Checkout(fixture.SaleId), batches: 120);

    [Fact]
    public Task PurchaseRefusesEveryBadInput() => RunAsync(BadInputs.Purchase, batches: 60);

    [Fact]
    public Task SalesReadsRefuseEveryBadInput() => RunAsync(BadInputs.Sales(fixture.SaleId), batches: 80);

    [Fact]
    public Task UserPurchasesRefuseEveryBadInput() => RunAsync(BadInputs.Users, batches: 60);

    [Fact]
    public Task AdminRefusesEveryBadBody() => RunAsync(BadInputs.Admin(FlashSaleHost.AdminKey), batches: 60);

    [Fact]
    public Task WrongMethodsAndUnknownRoutesAreRefused() => RunAsync(BadInputs.Misrouted, batches: 40);

    private async Task RunAsync(Gen<Probe> probes, int batches)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await probes.Array[BatchSize].SampleAsync(async batch =>
        {
            var before = await fixture.CountRowsAsync();
            var answers = new ProbeAnswer[batch.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            {
                answers[i] = await batch[i].SendAsync(fixture.Stack.Host.Server);
                Check(batch[i], answers[i]);
                answered.AddOrUpdate($"{answers[i].Status} {answers[i].Code}", 1, (_, count) => count + 1);
            });

            var after = await fixture.CountRowsAsync();
            var attempts = answers.Count(answer => answer.Endpoint == "Checkout" && answer.Status is 400 or 404);
            Assert.Equal(before with { CheckoutAttempts = before.CheckoutAttempts + attempts }, after);
            Interlocked.Add(ref sent, batch.Length);
        }, iter: batches, threads: 1, print: batch => string.Join("\n", batch.Select(probe => probe.ToString())));

        output.WriteLine($"{sent} generated requests in {clock.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", answered.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} ×{pair.Value}")));
        Fixture.Record(sent);
    }

    private static void Check(Probe probe, ProbeAnswer answer)
    {
        var what = $"{probe} answered {answer.Status} {answer.ContentType} {Cut(answer.Body)}";
        Assert.True(answer.Status < 500, "A 5xx: " + what);
        Assert.True(answer.Headers.ContainsKey(Api.Extensions.FlashSaleExtensions.ReplicaHeader), "No replica header: " + what);
        if (answer.Status < 400)
        {
            Assert.True(answer.Status == 200 && probe.Method == "GET", "Only a read may succeed: " + what);
            return;
        }

        Assert.True(answer.Status < 500 && answer.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true, "Not problem+json: " + what);
        Assert.True(answer.Code is not null && KnownCodes.Contains(answer.Code), "No known code: " + what);
        using var problem = JsonDocument.Parse(answer.Body);
        Assert.True(problem.RootElement.TryGetProperty("status", out var status) && status.GetInt32() == answer.Status, "Status member differs: " + what);
        Assert.True(problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }, "No detail: " + what);
        if (answer.Status == 400)
        {
            Assert.True(problem.RootElement.TryGetProperty("parameter", out var parameter) && parameter.GetString() is { Length: > 0 }, "No parameter: " + what);
        }
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static readonly HashSet<string> KnownCodes = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).ToHashSet();

    public sealed record RowCounts(long Sales, long Items, long CheckoutAttempts, long UserPurchaseCounts, long Purchases);

    // One replica with a running sale of BadInputs.ItemsOnSale items, for all the properties of the class.
    public sealed class Fixture(Servers servers) : IAsyncLifetime
    {
        private static long _total;

        public TestStack Stack { get; private set; } = null!;

        public long SaleId { get; private set; }

        public static long Total => Interlocked.Read(ref _total);

        public static void Record(int sent) => Interlocked.Add(ref _total, sent);

        public async Task InitializeAsync()
        {
            Stack = await TestStack.StartAsync(servers);
            SaleId = (await Stack.OpenSaleAsync(BadInputs.ItemsOnSale)).Id;
        }

        public async Task<RowCounts> CountRowsAsync() => new(
            await Stack.ScalarAsync<long>("select count(*) from sales"),
            await Stack.ScalarAsync<long>("select count(*) from items"),
            await Stack.ScalarAsync<long>("select count(*) from checkout_attempts"),
            await Stack.ScalarAsync<long>("select count(*) from user_purchase_counts"),
            await Stack.ScalarAsync<long>("select count(*) from purchases"));

        public async Task DisposeAsync() => await Stack.DisposeAsync();
    }
}
