using System.CommandLine;
using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Window;

// `window --url A [--url B] --windows 2 --report window-2.json`: how hourly sales open (see WindowProbe).
public static class WindowCommand
{
    public static Command Build()
    {
        var urls = new Option<string[]>("--url", "-u")
        {
            Description = "a replica's base URL; repeat for several replicas",
            DefaultValueFactory = _ => ["http://127.0.0.1:8080"],
            AllowMultipleArgumentsPerToken = true,
        };
        var connections = new Option<int>("--connections", "-c") { Description = "shoppers checking out at the start, one connection each", DefaultValueFactory = _ => 64 };
        var windows = new Option<int>("--windows") { Description = "window starts to watch", DefaultValueFactory = _ => 2 };
        var patience = new Option<double>("--patience") { Description = "seconds to wait for the next upcoming sale", DefaultValueFactory = _ => 120 };
        var label = new Option<string>("--label") { Description = "name of the run in its report", DefaultValueFactory = _ => "window" };
        var report = new Option<string?>("--report") { Description = "write the figures as JSON to this file" };
        var command = new Command("window", "watch sales open at their windows' start on a stack that opens its own (AutoStart)")
        {
            urls, connections, windows, patience, label, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var targets = LoadTarget.ForUrls(parse.GetValue(urls)!.Select(url => new Uri(url)).ToList(), parse.GetValue(connections) + parse.GetValue(urls)!.Length);
            try
            {
                var figures = await WindowProbe.RunAsync(targets, parse.GetValue(connections), parse.GetValue(windows),
                    TimeSpan.FromSeconds(parse.GetValue(patience)), cancellationToken);
                if (parse.GetValue(report) is { } path)
                {
                    await new WindowReport(parse.GetValue(label)!, targets.Select(t => t.Name).ToList(), parse.GetValue(connections), figures)
                        .WriteAsync(path, cancellationToken);
                }

                return 0;
            }
            catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException)
            {
                Console.Error.WriteLine($"The run failed: {exception.Message}");
                return 2;
            }
            finally
            {
                foreach (var target in targets)
                {
                    target.Dispose();
                }
            }
        });
        return command;
    }
}
