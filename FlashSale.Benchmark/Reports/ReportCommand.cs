using System.CommandLine;
using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Reports;

// `report --results DIR --output docs/benchmarks.md`: the document and its charts (beside it, in images/).
public static class ReportCommand
{
    public static Command Build()
    {
        var results = new Option<string>("--results") { Description = "the folder bench.sh filled", Required = true };
        var output = new Option<string>("--output") { Description = "the Markdown file to write", DefaultValueFactory = _ => "docs/benchmarks.md" };
        var command = new Command("report", "write docs/benchmarks.md and its charts from a benchmark's results folder") { results, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var bench = await BenchResults.ReadAsync(parse.GetValue(results)!, cancellationToken);
            var document = Path.GetFullPath(parse.GetValue(output)!);
            var images = Path.Combine(Path.GetDirectoryName(document)!, "images");
            Directory.CreateDirectory(images);
            var rushes = bench.Runs.Values.Where(BenchCharts.HasTimeline).ToList();
            var rushChart = Path.Combine(images, "benchmark-rush.png");
            if (rushes.Count > 0)
            {
                BenchCharts.Rush(rushes, rushChart);
            }
            else
            {
                File.Delete(rushChart);
            }

            BenchCharts.Latency(bench.Runs.Values.Where(r => r.Scenario is Scenario.Checkout or Scenario.Purchase or Scenario.Rush).ToList(),
                Path.Combine(images, "benchmark-latency.png"));
            await File.WriteAllTextAsync(document, BenchDocument.Write(bench, "images"), cancellationToken);
            Console.WriteLine($"Wrote {document} and its charts in {images}");
            return 0;
        });
        return command;
    }
}
