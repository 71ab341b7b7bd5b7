using FlashSale.Benchmark.Load;
using ScottPlot;

namespace FlashSale.Benchmark.Reports;

// The benchmark's charts as PNG: a rush's sold items and requests per second over its seconds, and the latency
// percentiles of each endpoint of each run.
public static class BenchCharts
{
    private static readonly string[] PercentileNames = ["p50", "p90", "p99", "p99.9", "max"];

    // A rush whose report has no timeline (from before wrk printed its progress) has no line to draw.
    public static bool HasTimeline(LoadResult run) => run.Scenario == Scenario.Rush && run.Timeline.Any(second => second.Requests > 0);

    public static void Rush(IReadOnlyList<LoadResult> rushes, string path)
    {
        var plot = new Plot();
        foreach (var rush in rushes)
        {
            var seconds = rush.Timeline.Select(s => (double)s.Second).ToArray();
            var sold = plot.Add.Scatter(seconds, rush.Timeline.Select(s => (double)s.SoldSoFar).ToArray());
            sold.LegendText = $"{rush.Label}: items sold";
            var rate = plot.Add.Scatter(seconds, rush.Timeline.Select(s => (double)s.Requests).ToArray());
            rate.LegendText = $"{rush.Label}: requests/s";
            rate.LinePattern = LinePattern.Dashed;
            rate.Axes.YAxis = plot.Axes.Right;
        }

        plot.Title("Rush: items sold and requests per second");
        plot.XLabel("seconds since the shoppers arrived");
        plot.YLabel("items sold");
        plot.Axes.Right.Label.Text = "requests/s (dashed)";
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1000, 520);
    }

    public static void Latency(IReadOnlyList<LoadResult> runs, string path)
    {
        var plot = new Plot();
        var positions = Enumerable.Range(0, PercentileNames.Length).Select(i => (double)i).ToArray();
        foreach (var run in runs)
        {
            foreach (var endpoint in run.Endpoints.Where(e => e.Requests > 0))
            {
                var line = plot.Add.Scatter(positions, [endpoint.P50Ms, endpoint.P90Ms, endpoint.P99Ms, endpoint.P999Ms, endpoint.MaxMs]);
                line.LegendText = $"{run.Label} {endpoint.Endpoint}";
            }
        }

        plot.Axes.Bottom.SetTicks(positions, PercentileNames);
        plot.Title("Latency percentiles per endpoint (ms)");
        plot.YLabel("ms");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 560);
    }
}
