using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Api.Problems;
using FlashSale.Tests.Infrastructure;
using FlashSale.Tests.Scenarios;
using Microsoft.Extensions.Time.Testing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace FlashSale.Tests.Contract;

// The OpenAPI document is the contract: it reads without error, it declares every answer the API gives, and every problem code it declares comes from the table the routes declare.
[Collection(ServersCollection.Name)]
public sealed class OpenApiDocumentTests(Servers servers)
{
    [Fact]
    public async Task DocumentReadsWithoutErrorsOrWarnings()
    {
        await using var stack = await TestStack.StartAsync(servers);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await ServedDocumentAsync(stack)));

        var settings = new OpenApiReaderSettings();
        settings.AddJsonReader();
        var result = await OpenApiDocument.LoadAsync(stream, "json", settings);

        Assert.NotNull(result.Document);
        Assert.Empty(result.Diagnostic!.Errors);
        Assert.Empty(result.Diagnostic.Warnings);
        Assert.Empty(result.Document.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
    }

    [Fact]
    public async Task EachRouteDeclaresExactlyTheProblemsOfItsTableEntry()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var document = JsonNode.Parse(await ServedDocumentAsync(stack))!;
        var operations = Operations(document).ToDictionary(o => o.Id);

        Assert.Equal(RouteProblems.Routes.Order(), operations.Keys.Order());
        foreach (var (id, operation) in operations)
        {
            var answers = RouteProblems.For(id);
            Assert.Equal(answers.Select(a => a.Status).Order(), operation.Statuses.Where(s => s >= 400).Order());
            var schema = document["components"]!["schemas"]![$"{id}Problem"]!;
            var declared = schema["properties"]!["code"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>());
            Assert.Equal(RouteProblems.CodesOf(id).Order(), declared.Order());
            Assert.All(operation.Statuses, status => Assert.NotNull(
                operation.Node["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["headers"]!["X-FlashSale-Replica"]));
        }

        var admin = operations["CreateSale"].Node;
        Assert.Equal("ApiKey", admin["security"]![0]!.AsObject().Single().Key);
        Assert.Equal("X-Api-Key", document["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>());
        var checkout = operations["Checkout"].Node["parameters"]!.AsArray();
        Assert.All(checkout, parameter =>
        {
            Assert.True(parameter!["required"]!.GetValue<bool>());
            Assert.NotNull(parameter["schema"]!["pattern"]);
            Assert.NotNull(parameter["schema"]!["maxLength"]);
            Assert.NotNull(parameter["example"]);
        });
    }

    // Drives every route through its answers, refusals included, and holds each (route, status, code) seen
    // against the document. What is declared but not seen here is listed, with why.
    [Fact]
    public async Task EveryAnswerTheApiGivesIsDeclaredAndEveryDeclaredCodeIsGiven()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var stack = await TestStack.StartAsync(servers, s => s.With("FlashSale:MaxItemsPerUser", "2")
            .With("FlashSale:CheckoutHold", "00:05:00") with { Time = clock });
        await using var keyless = await TestStack.StartAsync(servers, s => s.With("FlashSale:AdminApiKey", ""));
        var observed = new ConcurrentQueue<ObservedAnswer>();
        var api = new FlashSaleClient(stack.Host.CreateDefaultClient(new ObservingHandler(observed)));
        var adminHttp = stack.Host.CreateDefaultClient(new ObservingHandler(observed));
        adminHttp.DefaultRequestHeaders.Add("X-Api-Key", FlashSaleHost.AdminKey);
        var admin = new FlashSaleClient(adminHttp);
        var now = clock.GetUtcNow();

        (await api.CurrentSaleAsync()).Refused(HttpStatusCode.NotFound, "no_active_sale");
        (await api.CheckoutAsync("alice", "1-000000")).Refused(HttpStatusCode.NotFound, "no_active_sale");
        (await api.CreateSaleAsync(5)).Refused(HttpStatusCode.Unauthorized, "unauthorized");
        (await new FlashSaleClient(keyless.Host.CreateDefaultClient(new ObservingHandler(observed))).CreateSaleAsync(5)).Refused(HttpStatusCode.NotFound, "not_found");
        (await admin.CreateSaleAsync(0)).Refused(HttpStatusCode.BadRequest, "invalid_request");
        var sale = (await admin.CreateSaleAsync(5, now, now.AddMinutes(30))).Ok();
        (await admin.CreateSaleAsync(5, now.AddMinutes(10), now.AddMinutes(20))).Refused(HttpStatusCode.Conflict, "sale_overlaps");

        (await api.SalesAsync()).Ok();
        (await api.SalesAsync("?limit=0")).Refused(HttpStatusCode.BadRequest, "invalid_request");
        (await api.CurrentSaleAsync()).Ok();
        (await api.SaleAsync(sale.Id)).Ok();
        (await api.SaleAsync(sale.Id + 1)).Refused(HttpStatusCode.NotFound, "sale_not_found");
        (await api.SaleAsync(0)).Refused(HttpStatusCode.BadRequest, "invalid_request");
        (await api.ItemsAsync(sale.Id)).Ok();
        (await api.ItemsAsync(sale.Id + 1)).Refused(HttpStatusCode.NotFound, "sale_not_found");
        (await api.ItemsAsync(sale.Id, "?status=held")).Refused(HttpStatusCode.BadRequest, "invalid_request");
        (await api.PurchasesOfAsync("alice")).Ok();
        (await api.PurchasesOfAsync("al ice")).Refused(HttpStatusCode.BadRequest, "invalid_request");

        string Item(int index) => FlashSaleClient.ItemId(sale.Id, index);
        (await api.CheckoutAsync("alice", "x")).Refused(HttpStatusCode.BadRequest, "invalid_request");
        (await api.CheckoutAsync("alice", Item(9))).Refused(HttpStatusCode.NotFound, "item_not_found");
        var expiring = (await api.CheckoutAsync("alice", Item(0))).Ok();
        (await api.CheckoutAsync("bob", Item(0))).Refused(HttpStatusCode.Conflict, "item_reserved");
        var kept = (await api.CheckoutAsync("alice", Item(1))).Ok();
        (await api.CheckoutAsync("alice", Item(2))).Refused(HttpStatusCode.Conflict, "user_limit_reached");
        (await api.PurchaseAsync(kept.Code)).Ok();
        (await api.CheckoutAsync("bob", Item(1))).Refused(HttpStatusCode.Conflict, "item_sold");
        (await api.PurchaseAsync("nonsense")).Refused(HttpStatusCode.BadRequest, "invalid_request");
        (await api.PurchaseAsync(new string('0', 32))).Refused(HttpStatusCode.NotFound, "code_not_found");

        clock.Advance(TimeSpan.FromMinutes(6));
        (await api.PurchaseAsync(expiring.Code)).Refused(HttpStatusCode.Gone, "code_expired");
        var bobs = (await api.CheckoutAsync("bob", Item(0))).Ok();
        (await api.PurchaseAsync(bobs.Code)).Ok();
        (await api.PurchaseAsync(expiring.Code)).Refused(HttpStatusCode.Conflict, "item_sold");
        var late = (await api.CheckoutAsync("carol", Item(3))).Ok();
        clock.Advance(TimeSpan.FromMinutes(30));
        (await api.PurchaseAsync(late.Code)).Refused(HttpStatusCode.Conflict, "sale_ended");

        var document = JsonNode.Parse(await ServedDocumentAsync(stack))!;
        var operations = Operations(document).ToList();
        var seen = observed.Select(answer =>
        {
            var operation = operations.Where(o => o.Matches(answer.Method, answer.Path)).OrderBy(o => o.Path.Count(c => c == '{')).FirstOrDefault();
            Assert.True(operation is not null, $"{answer.Method} {answer.Path} is not in the document");
            Assert.Contains(answer.Status, operation!.Statuses);
            if (answer.Code is not null)
            {
                Assert.Contains(answer.Code, RouteProblems.CodesOf(operation.Id));
            }

            return $"{operation.Id} {answer.Status} {answer.Code}".TrimEnd();
        }).ToHashSet();

        var declared = operations.SelectMany(o => o.Statuses.Where(s => s < 400).Select(s => $"{o.Id} {s}")
            .Concat(RouteProblems.For(o.Id).SelectMany(a => a.Codes.Select(c => $"{o.Id} {a.Status} {c}"))));
        List<string> notSeenHere =
        [
            // A storage failure: RedisOutageTests and HealthTests stop a dependency; every route answers so.
            .. operations.Select(o => $"{o.Id} 503 dependency_unavailable"),
            // Checkout refuses a hold beyond the limit first; purchase refuses again if a hold slipped through.
            "Purchase 409 user_limit_reached",
        ];
        Assert.Equal(declared.Except(notSeenHere).Order(), seen.Order());
    }

    public static async Task<string> ServedDocumentAsync(TestStack stack) =>
        await stack.Host.CreateClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

    private static IEnumerable<Operation> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(method => new Operation(
            method.Value!["operationId"]!.GetValue<string>(),
            method.Key.ToUpperInvariant(),
            path.Key,
            [.. method.Value!["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture))],
            method.Value!)));

    private sealed record Operation(string Id, string Method, string Path, IReadOnlyList<int> Statuses, JsonNode Node)
    {
        // HEAD is answered as GET.
        public bool Matches(string method, string path) =>
            (method == Method || method == "HEAD" && Method == "GET")
            && Regex.IsMatch(path, "^" + Regex.Replace(Path, @"\{[^}]+\}", "[^/]+") + "$");
    }
}
