using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Aspire;

// The README's walk-through, run as written (bash, curl, jq) against the AppHost's stable address, twice in a
// row: only its first line (the address: this stack's port is not 8080) is the test's. Its answers are JSON
// documents one after the other: the purchase, alice's purchases, the admin sale, the health document.
[Collection(AspireStack.Collection)]
public sealed class ReadmeWalkThroughTests(AspireStack stack)
{
    [Fact]
    public async Task TheReadmesWalkThroughRunsAsWrittenTwiceInARow()
    {
        var script = WalkThrough();
        using var folder = new ScratchFolder();
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, ".flashsale"), stack.DataDirectory);

        var first = await RunAsync(script, folder.Path);
        var second = await RunAsync(script, folder.Path);

        foreach (var (run, purchases) in new[] { (first, 1), (second, 2) })
        {
            Assert.True(run.Count == 4, $"expected 4 answers, got {run.Count}: {string.Join(" ", run)}");
            var receipt = run[0];
            Assert.True(receipt.TryGetProperty("purchase_id", out var purchaseId), $"the purchase answered {receipt}");
            Assert.Equal("alice", receipt.GetProperty("user_id").GetString());
            var bought = run[1].GetProperty("purchases").EnumerateArray().ToList();
            Assert.Equal(purchases, bought.Count);
            Assert.Contains(bought, p => p.GetProperty("purchase_id").GetInt64() == purchaseId.GetInt64());
            Assert.Equal("up", run[3].GetProperty("services_status").GetProperty("database").GetString());
        }

        Assert.NotEqual(first[0].GetProperty("item_id").GetString(), second[0].GetProperty("item_id").GetString());
        Assert.Equal(500, first[2].GetProperty("total_items").GetInt32());
        Assert.Equal("sale_overlaps", second[2].GetProperty("code").GetString());
    }

    private static string WalkThrough()
    {
        var readme = File.ReadAllText(RepositoryRoot.PathOf("README.md"));
        var start = readme.IndexOf("```bash\napi=http://localhost:8080\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README's walk-through (a bash block starting api=http://localhost:8080) is gone");
        var body = readme[(start + "```bash\n".Length)..];
        return body[..body.IndexOf("```", StringComparison.Ordinal)];
    }

    private async Task<List<JsonElement>> RunAsync(string script, string directory)
    {
        using var http = stack.Client("api");
        var api = http.BaseAddress!.ToString().TrimEnd('/');
        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-euo");
        start.ArgumentList.Add("pipefail");
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(script.Replace("api=http://localhost:8080", $"api={api}", StringComparison.Ordinal));
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await bash.WaitForExitAsync(timeout.Token);
        Assert.True(bash.ExitCode == 0, $"the walk-through failed ({bash.ExitCode}): {await errors}\n{await output}");
        return Documents(await output);
    }

    // Each curl's answer, as printed one after the other.
    private static List<JsonElement> Documents(string output)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(output), new JsonReaderOptions { AllowMultipleValues = true });
        List<JsonElement> documents = [];
        while (reader.Read())
        {
            documents.Add(JsonElement.ParseValue(ref reader));
        }

        return documents;
    }

    private sealed class ScratchFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("flashsale-readme-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
