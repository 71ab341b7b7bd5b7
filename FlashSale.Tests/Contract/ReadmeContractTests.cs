using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlashSale.Api.Problems;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Contract;

// The README's contract table and the OpenAPI document say the same thing: the same routes, success statuses,
// refusals with their codes, sale fields and states.
[Collection(ServersCollection.Name)]
public sealed partial class ReadmeContractTests(Servers servers)
{
    [Fact]
    public async Task ReadmeContractTableSaysWhatTheDocumentSays()
    {
        await using var stack = await TestStack.StartAsync(servers);
        var document = JsonNode.Parse(await OpenApiDocumentTests.ServedDocumentAsync(stack))!;
        var readme = await File.ReadAllTextAsync(RepositoryRoot.PathOf("README.md"));
        var rows = readme.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Trim().Trim('|').Split(" | ").Select(cell => cell.Trim()).ToArray()).ToList();

        foreach (var path in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in path.Value!.AsObject())
            {
                var id = operation!["operationId"]!.GetValue<string>();
                var call = $"`{method.ToUpperInvariant()} {path.Key}";
                var row = rows.SingleOrDefault(r => r[0].StartsWith(call + "`", StringComparison.Ordinal)
                    || r[0].StartsWith(call + "?", StringComparison.Ordinal) || r[0].StartsWith(call + " ", StringComparison.Ordinal));
                Assert.True(row is not null, $"README has no row for {call}`");

                var success = operation["responses"]!.AsObject().Select(r => r.Key).Single(s => s.StartsWith('2'));
                Assert.StartsWith(success, row![1], StringComparison.Ordinal);
                var declared = RouteProblems.SpecificTo(id).SelectMany(a => a.Codes.Select(c => $"{a.Status} {c}"));
                Assert.Equal(declared.Order(), Refusals(row[2]).Order());
            }
        }

        Assert.All(RouteProblems.Common.SelectMany(a => a.Codes), code => Assert.Contains($"`{code}`", readme, StringComparison.Ordinal));

        var sale = document["components"]!["schemas"]!["SaleResponse"]!["properties"]!.AsObject().Select(p => p.Key);
        var current = rows.Single(r => r[0].StartsWith("`GET /sales/current`", StringComparison.Ordinal))[1];
        Assert.Equal(sale.Order(), FieldList().Match(current).Groups[1].Value.Split(", ").Order());
        var states = document["components"]!["schemas"]!["SaleState"]!["enum"]!.AsArray().Select(s => s!.GetValue<string>());
        Assert.Contains(string.Join(", ", states.Take(2).Select(s => $"`{s}`")) + $" or `{states.Last()}`", readme, StringComparison.Ordinal);
    }

    // "400 `invalid_request`, 404 `item_not_found` / `no_active_sale`" as "400 invalid_request", ...
    private static IEnumerable<string> Refusals(string cell) =>
        RefusalGroup().Matches(cell).SelectMany(group => CodeInBackticks().Matches(group.Groups[2].Value)
            .Select(code => $"{group.Groups[1].Value} {code.Groups[1].Value}"));

    [GeneratedRegex(@"(\d{3})((?:\s*/?\s*`[a-z_]+`)+)")]
    private static partial Regex RefusalGroup();

    [GeneratedRegex(@"`([a-z_]+)`")]
    private static partial Regex CodeInBackticks();

    [GeneratedRegex(@"`\{([a-z_, ]+)\}`")]
    private static partial Regex FieldList();
}
