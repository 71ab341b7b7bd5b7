using System.Globalization;
using FlashSale.Benchmark.Load;
using FlashSale.Benchmark.Window;

namespace FlashSale.Benchmark.Reports;

// A benchmark's results folder, as bench.sh leaves it: one JSON report per run (LABEL.json), the window-start
// probes' reports (window/window-N.json), facts as
// key=value lines (facts.txt: ceilings measured by redis-benchmark and pgbench, the machine, load averages),
// the commands run (commands.txt) and PostgreSQL's top statements (pg_stat_statements-*.txt).
public sealed class BenchResults
{
    private BenchResults(string folder, Dictionary<string, LoadResult> runs, Dictionary<string, string> facts, List<WindowReport> windows)
    {
        Folder = folder;
        Runs = runs;
        Facts = facts;
        Windows = windows;
    }

    public string Folder { get; }

    public IReadOnlyDictionary<string, LoadResult> Runs { get; }

    public IReadOnlyDictionary<string, string> Facts { get; }

    // The window-start probes (window/window-N.json), fewest replicas first.
    public IReadOnlyList<WindowReport> Windows { get; }

    public static async Task<BenchResults> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        var runs = new Dictionary<string, LoadResult>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var run = await LoadResult.ReadAsync(file, cancellationToken);
            runs[run.Label] = run;
        }

        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        var factsFile = Path.Combine(folder, "facts.txt");
        if (File.Exists(factsFile))
        {
            foreach (var line in await File.ReadAllLinesAsync(factsFile, cancellationToken))
            {
                var split = line.IndexOf('=', StringComparison.Ordinal);
                if (split > 0)
                {
                    facts[line[..split].Trim()] = line[(split + 1)..].Trim();
                }
            }
        }

        List<WindowReport> windows = [];
        var windowFolder = Path.Combine(folder, "window");
        if (Directory.Exists(windowFolder))
        {
            foreach (var file in Directory.EnumerateFiles(windowFolder, "*.json").Order(StringComparer.Ordinal))
            {
                windows.Add(await WindowReport.ReadAsync(file, cancellationToken));
            }
        }

        return new BenchResults(folder, runs, facts, windows);
    }

    public LoadResult? Run(string label) => Runs.GetValueOrDefault(label);

    public string Fact(string key, string fallback = "?") => Facts.GetValueOrDefault(key, fallback);

    public double? Number(string key) =>
        Facts.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    public string Text(string file) => File.Exists(Path.Combine(Folder, file)) ? File.ReadAllText(Path.Combine(Folder, file)).TrimEnd() : "";
}
