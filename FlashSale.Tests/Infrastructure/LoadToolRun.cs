using FlashSale.Benchmark.Load;
using Spectre.Console;
using Xunit.Abstractions;

namespace FlashSale.Tests.Infrastructure;

// Runs the load tool (FlashSale.Benchmark) from a test, its report printed to the test's output.
public static class LoadToolRun
{
    public static async Task<LoadResult> RunAsync(IReadOnlyList<LoadTarget> targets, LoadOptions options, ITestOutputHelper output)
    {
        var log = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(log), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        try
        {
            var result = await LoadRunner.RunAsync(options with { Live = false }, targets, console, CancellationToken.None);
            ConsoleView.PrintResult(console, result);
            return result;
        }
        finally
        {
            output.WriteLine(log.ToString());
        }
    }
}
