using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// A scenario driven by wrk running a Lua script (bench/crowd.lua) instead of the tool's own clients, one wrk per
// target with the cores' threads split between them: a client that costs a fraction of the tool's, so the run
// measures the service. wrk cannot tell one endpoint's latency from another's: a rush's latencies are of every
// request, reported as one endpoint; what the script saw (checkouts granted and refused, purchases made) feeds the
// audit as the tool's own shoppers would.
public static class WrkScenario
{
    public const string EveryRequest = "every request (wrk)";

    public static bool Drives(Scenario scenario) => scenario is Scenario.Rush or Scenario.Checkout or Scenario.Alive;

    public static async Task RunAsync(ScenarioContext context, string script)
    {
        var options = context.Options;
        var (mode, endpoint) = options.Scenario switch
        {
            Scenario.Rush => ("rush", EveryRequest),
            Scenario.Checkout => ("checkout", ShopClient.CheckoutRoute),
            Scenario.Alive => ("alive", ShopClient.AliveRoute),
            _ => throw new ArgumentException($"wrk does not drive the {options.Scenario} scenario"),
        };
        var (saleId, items) = context.Sale is { } sale ? (sale.Id, sale.TotalItems) : (0L, 0);
        var targets = context.Targets;
        var threads = Math.Max(1, Environment.ProcessorCount / targets.Count);
        var connections = Math.Max(threads, options.Connections / targets.Count);
        var recorder = context.Shop.Recorder;
        var soldSoFar = 0L;
        void Progress(long answered, long sold)
        {
            recorder.Timeline.Answered(answered);
            recorder.ItemsSold(sold);
            Interlocked.Add(ref soldSoFar, sold);
        }

        context.BeginMeasuring();
        var runs = await Task.WhenAll(targets.Select((target, index) => RunWrkAsync(
            script, target.Client.BaseAddress!, threads, connections, options.Duration, Progress,
            [.. ((long[])[saleId, items, index * threads, threads * targets.Count, options.Seed]).Select(n => n.ToString(CultureInfo.InvariantCulture)), mode],
            context.Cancellation)));
        var figures = WrkFigures.Sum(runs);

        recorder.Seen.Add(figures.Seen);
        recorder.ItemsSold(figures.PurchasesOk - Interlocked.Read(ref soldSoFar));

        context.CheckSoldOut();
        recorder.AddExternal(figures.Summarize(endpoint, options.Scenario, context.Elapsed));
    }

    private static async Task<WrkFigures> RunWrkAsync(
        string script, Uri target, int threads, int connections, TimeSpan limit, Action<long, long> progress, string[] scriptArguments,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[$"-t{threads}", $"-c{connections}", $"-d{Math.Ceiling(limit.TotalSeconds)}s", "--timeout", "10s", "-s", script,
            target.ToString().TrimEnd('/'), "--", .. scriptArguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        await using var kill = cancellationToken.Register(() => wrk.Kill());
        var errors = wrk.StandardError.ReadToEndAsync(cancellationToken);
        string? figures = null;
        var done = 0;
        while (await wrk.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "thread done" && ++done == threads)
            {
                Interrupt(wrk.Id);
            }
            else if (line.StartsWith('{'))
            {
                figures = line;
            }
            else if (line.Split(' ') is ["progress", var answered, var sold])
            {
                progress(long.Parse(answered, CultureInfo.InvariantCulture), long.Parse(sold, CultureInfo.InvariantCulture));
            }
        }

        await wrk.WaitForExitAsync(cancellationToken);
        if (wrk.ExitCode != 0 || figures is null)
        {
            throw new InvalidOperationException($"wrk against {target} exited {wrk.ExitCode} without its figures: {await errors}");
        }

        return JsonSerializer.Deserialize<WrkFigures>(figures, ShopClient.Json)!;
    }

    // wrk runs for its whole duration unless interrupted; on SIGINT it stops at once and reports.
    private static void Interrupt(int pid)
    {
        using var signal = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
        signal.WaitForExit();
    }
}
