using System.Globalization;
using FlashSale.Benchmark.Audit;
using FlashSale.Benchmark.Scenarios;
using Spectre.Console;

namespace FlashSale.Benchmark.Load;

// The live view while the load runs (only on a terminal) and the tables printed at the end.
public static class ConsoleView
{
    public static async Task ShowLiveAsync(IAnsiConsole console, ScenarioContext context, Task running)
    {
        var recorder = context.Shop.Recorder;
        await console.Live(Render(context, recorder)).AutoClear(false).StartAsync(async live =>
        {
            while (!running.IsCompleted)
            {
                await Task.WhenAny(running, Task.Delay(250));
                live.UpdateTarget(Render(context, recorder));
            }
        });
    }

    private static Table Render(ScenarioContext context, LoadRecorder recorder)
    {
        var elapsed = context.Elapsed;
        var second = (int)elapsed.TotalSeconds - 1;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("elapsed", "requests/s", "sold / total", "errors");
        table.AddRow(
            context.IsMeasuring ? $"{elapsed.TotalSeconds:0.0} s" : "preparing",
            recorder.Timeline.RequestsInSecond(second).ToString("N0", CultureInfo.InvariantCulture),
            context.Sale is { } sale ? $"{recorder.Sold:N0} / {sale.TotalItems:N0}" : "-",
            recorder.Errors.ToString("N0", CultureInfo.InvariantCulture));
        return table;
    }

    public static void PrintResult(IAnsiConsole console, LoadResult result)
    {
        var sale = result.SaleId is { } id ? string.Create(CultureInfo.InvariantCulture, $", sale {id}: {result.Sold:N0} of {result.TotalItems:N0} sold") : "";
        var soldOut = result.SoldOutAfterSeconds is { } after ? string.Create(CultureInfo.InvariantCulture, $", sold out after {after:0.00} s") : "";
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Scenario} against {string.Join(", ", result.Targets)}: {result.Requests:N0} requests in {result.ElapsedSeconds:0.00} s ({result.RequestsPerSecond:N0}/s){sale}{soldOut}"));

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("endpoint", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "statuses", "problems");
        foreach (var column in table.Columns.Skip(1).Take(7))
        {
            column.RightAligned();
        }

        foreach (var endpoint in result.Endpoints)
        {
            table.AddRow(
                Markup.Escape(endpoint.Endpoint),
                endpoint.Requests.ToString("N0", CultureInfo.InvariantCulture),
                endpoint.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                Ms(endpoint.P50Ms), Ms(endpoint.P90Ms), Ms(endpoint.P99Ms), Ms(endpoint.P999Ms), Ms(endpoint.MaxMs),
                Markup.Escape(Counts(endpoint.Statuses)),
                Markup.Escape(Counts(endpoint.Problems)));
        }

        console.Write(table);
        if (result.Resources is { } use)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU: API {use.ApiCpuSeconds:0.00} s ({use.ApiCpuUsPerRequest:0} µs/request), PostgreSQL {use.PostgresCpuSeconds:0.00} s ({use.PostgresCpuUsPerRequest:0} µs/request); API peak RSS {use.ApiPeakRssMb:0} MB"));
        }

        if (result.Audit is { } audit)
        {
            PrintAudit(console, audit);
        }
    }

    public static void PrintAudit(IAnsiConsole console, AuditResult audit)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns($"audit of sale {audit.SaleId}", "result", "detail");
        foreach (var check in audit.Checks)
        {
            var status = check.Status switch
            {
                AuditStatus.Passed => "[green]pass[/]",
                AuditStatus.Failed => "[red]FAIL[/]",
                _ => "[yellow]skipped[/]",
            };
            table.AddRow(Markup.Escape(check.Name), status, Markup.Escape(check.Detail));
        }

        console.Write(table);
        console.MarkupLine(audit.Passed ? "[green]audit passed[/]" : "[red]audit FAILED[/]");
    }

    private static string Ms(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    private static string Counts(IReadOnlyDictionary<string, long> counts) =>
        string.Join(" ", counts.Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key}:{pair.Value}")));
}
