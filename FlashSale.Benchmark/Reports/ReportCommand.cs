using System.CommandLine;

namespace FlashSale.Benchmark.Reports;

public static class ReportCommand
{
    public static Command Build()
    {
        var command = new Command("report", "write docs/benchmarks.md and its charts from a benchmark's results folder");
        return command;
    }
}
