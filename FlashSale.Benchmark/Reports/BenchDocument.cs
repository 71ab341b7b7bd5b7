using System.Globalization;
using System.Text;
using FlashSale.Benchmark.Audit;
using FlashSale.Benchmark.Load;
using FlashSale.Benchmark.Scenarios;
using FlashSale.Benchmark.Window;

namespace FlashSale.Benchmark.Reports;

// docs/benchmarks.md from a results folder: the machine and how loaded it was, each FlashSale figure beside
// the ceiling measured in the same run with their ratio and the issue's target, every run's endpoints, the
// audits, the charts and PostgreSQL's top statements.
public static class BenchDocument
{
    public static string Write(BenchResults results, string chartsFolderFromDocument)
    {
        var doc = new StringBuilder();
        void Line(string text = "") => doc.Append(text).Append('\n');

        Line("# Benchmarks");
        Line();
        Line($"Written by `./bench.sh` on {results.Fact("date")} (commit {results.Fact("commit")}); the whole bench took {results.Fact("bench_seconds")} s.");
        Line("Run it again with `./bench.sh` (it builds in Release, starts a fresh stack through the AppHost with two replicas, "
            + "measures, rewrites this file and its charts, and stops the stack). The figures below are from that one run.");
        Line();
        Line("## Machine");
        Line();
        Line($"- {results.Fact("machine_cpu")}, {results.Fact("machine_cores")} cores, {results.Fact("machine_memory")} of memory, Linux {results.Fact("machine_kernel")}.");
        Line($"- Load average (1 min) when the bench started: {results.Fact("load_before")}; when it ended: {results.Fact("load_after")}. "
            + $"Other processes running FlashSale or its servers at the start: {results.Fact("other_stacks")}.");
        Line(results.Fact("api_runtime", "jit") == "aot"
            ? "- The API replicas run FlashSale.Api published with Native AOT (`BENCH_RUNTIME=aot`: `dotnet publish FlashSale.Api -c Release -r linux-x64 "
                + "-p:PublishAot=true`): nothing is compiled while they serve. Plain `./bench.sh` runs the solution's build (JIT)."
            : "- The API replicas run the solution's Release build (`dotnet FlashSale.Api.dll`, compiled by the JIT as they run; "
                + "`BENCH_RUNTIME=aot ./bench.sh` publishes it with Native AOT instead).");
        Line("- **The machine is shared**: the load tool, the API replicas, PostgreSQL (fsync and synchronous commit on), Redis and "
            + "the Aspire orchestrator (with its dashboard receiving every replica's metrics and logs, and up to 10 new traces a second from each) all run on the same cores, "
            + "and so do other people's builds and tests. A load average above the core count means every figure here is lower, and "
            + "noisier, than the same code would give on a quiet machine; compare ratios taken in the same run rather than absolute figures "
            + "across runs.");
        Line();

        Line("## FlashSale beside the machine's ceilings");
        Line();
        Line("Each ceiling is measured in the same run, on the same stack: `wrk` against `GET /alive` (what serving any request costs here), "
            + "`redis-benchmark` running FlashSale's checkout script (`checkout_hold.lua`), and `pgbench` running FlashSale's purchase "
            + $"(`purchase_batch` with one code per durable transaction, {results.Fact("pgbench_clients")} clients). The ceilings, the checkouts and the "
            + "rushes are driven by `wrk` running `bench/crowd.lua` (one wrk per replica), so that the client costs little beside the service; the "
            + "purchases by the load tool, which first checks out the codes they redeem. Every run is audited by the load tool.");
        Line();
        Line("| measure | FlashSale | ceiling (same run) | ratio | issue 9's target |");
        Line("| --- | --- | --- | --- | --- |");
        foreach (var replicas in new[] { 1, 2 })
        {
            var alive = results.Run($"alive-{replicas}");
            if (results.Run($"checkout-{replicas}") is { } checkout && Endpoint(checkout, ShopClient.CheckoutRoute) is { } co)
            {
                Line($"| checkout, {Replicas(replicas)}, {checkout.Connections} connections | {Rate(co.RequestsPerSecond)}/s, p99 {Ms(co.P99Ms)} | "
                    + $"GET /alive {Rate(alive?.RequestsPerSecond)}/s | {Percent(co.RequestsPerSecond, alive?.RequestsPerSecond)} | ≥ 50 % of /alive, p99 ≤ 15 ms |");
                if (replicas == 1)
                {
                    Line($"| checkout, {Replicas(replicas)} | {Rate(co.RequestsPerSecond)}/s | redis-benchmark checkout script {Rate(results.Number("redis_checkout_rps"))}/s | "
                        + $"{Percent(co.RequestsPerSecond, results.Number("redis_checkout_rps"))} | |");
                }
            }

            if (results.Run($"purchase-{replicas}") is { } purchase && Endpoint(purchase, ShopClient.PurchaseRoute) is { } pu)
            {
                Line($"| purchase, {Replicas(replicas)}, {purchase.Connections} connections | {Rate(pu.RequestsPerSecond)}/s, p99 {Ms(pu.P99Ms)} | "
                    + $"pgbench one-purchase transactions {Rate(results.Number("pgbench_purchase_tps"))}/s | {Times(pu.RequestsPerSecond, results.Number("pgbench_purchase_tps"))} | ≥ 2× pgbench |");
            }

            if (results.Run($"rush-{replicas}") is { } rush)
            {
                // The ceiling of a rush: two requests per item (checkout and purchase) at the /alive rate.
                var floor = alive is { RequestsPerSecond: > 0 } ? 2.0 * rush.TotalItems / alive.RequestsPerSecond : (double?)null;
                var soldOut = rush.SoldOutAfterSeconds is { } s ? $"sold out in {s:0.0} s" : $"{rush.Sold:N0} of {rush.TotalItems:N0} sold in {rush.ElapsedSeconds:0.0} s";
                var crowd = Endpoint(rush, WrkScenario.EveryRequest) is null ? $"{rush.Shoppers:N0} shoppers" : "wrk";
                Line($"| rush of {rush.TotalItems:N0} items, {crowd}, {Replicas(replicas)} | {soldOut} | "
                    + $"{(floor is { } f ? $"{f:0.0} s" : "?")} (2 requests per item at the /alive rate) | "
                    + $"{(floor is { } g && rush.SoldOutAfterSeconds is { } t ? $"{g / t:0.00}" : "-")} | ≤ 3 s (stretch 2 s) |");
                if (rush.Resources is { } use)
                {
                    var aliveCpu = alive?.Resources?.ApiCpuUsPerRequest;
                    Line($"| API CPU per request in the rush, {Replicas(replicas)} | {use.ApiCpuUsPerRequest:0} µs | GET /alive {Us(aliveCpu)} | {Times(use.ApiCpuUsPerRequest, aliveCpu)} | ≤ 120 µs |");
                    Line($"| PostgreSQL CPU per request in the rush, {Replicas(replicas)} | {use.PostgresCpuUsPerRequest:0} µs | | | |");
                    Line($"| API peak resident memory in the rush (largest replica), {Replicas(replicas)} | {use.ApiPeakRssMb:0} MB | | | ≤ 300 MB |");
                }
            }
        }

        if (results.Run("alive-tool-1") is { } tool && results.Run("alive-1") is { } wrk)
        {
            Line($"| the load tool itself: GET /alive, 1 replica, {tool.Connections} connections (client CPU {Us(tool.Resources?.ClientCpuUsPerRequest)}, "
                + $"the API's {Us(tool.Resources?.ApiCpuUsPerRequest)} per request) | {Rate(tool.RequestsPerSecond)}/s | `wrk` on the same replica "
                + $"{Rate(wrk.RequestsPerSecond)}/s (wrk's CPU {Us(wrk.Resources?.ClientCpuUsPerRequest)}, the API's {Us(wrk.Resources?.ApiCpuUsPerRequest)} per request) | "
                + $"{Percent(tool.RequestsPerSecond, wrk.RequestsPerSecond)} | ≥ 80 % of wrk, or wrk drives the ceilings and the rush |");
        }

        Line();
        Line("Ratios: FlashSale's rate over the ceiling's rate (so 100 % would be the ceiling); for CPU, FlashSale's cost over /alive's cost; "
            + "for the rush, the ideal time over the measured one. CPU seconds come from `/proc/<pid>/stat` before and after the measured phase "
            + "(PostgreSQL: the postmaster, its backends and the backends it reaped), divided by the requests answered in it; memory is the largest "
            + "API process's resident set, sampled every 100 ms.");
        Line();

        WriteFirstAndSecondRush(results, Line);
        WriteWindowStart(results, Line);

        Line("## Runs");
        Line();
        Line("| run | targets | requests | req/s | measured | sold | sold out after | API CPU / req | PostgreSQL CPU / req | Redis CPU / req | client CPU / req | API peak RSS | audit |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var run in results.Runs.Values)
        {
            Line($"| {run.Label} | {run.Targets.Count} | {run.Requests:N0} | {Rate(run.RequestsPerSecond)} | {run.ElapsedSeconds:0.0} s | "
                + $"{(run.SaleId is null ? "-" : $"{run.Sold:N0} / {run.TotalItems:N0}")} | {(run.SoldOutAfterSeconds is { } s ? $"{s:0.00} s" : "-")} | "
                + $"{Us(run.Resources?.ApiCpuUsPerRequest)} | {Us(run.Resources?.PostgresCpuUsPerRequest)} | {Us(run.Resources?.RedisCpuUsPerRequest)} | "
                + $"{Us(run.Resources?.ClientCpuUsPerRequest)} | {(run.Resources is { } r ? $"{r.ApiPeakRssMb:0} MB" : "-")} | "
                + $"{AuditText(run.Audit)} |");
        }

        Line();
        Line("### Endpoints");
        Line();
        Line("Latency from taking a connection to the end of the answer (HdrHistogram); problem codes are the answers' `code`.");
        Line();
        Line("| run | endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | statuses | problems |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var run in results.Runs.Values)
        {
            foreach (var e in run.Endpoints)
            {
                Line($"| {run.Label} | `{e.Endpoint}` | {e.Requests:N0} | {Rate(e.RequestsPerSecond)} | {Ms(e.P50Ms)} | {Ms(e.P90Ms)} | {Ms(e.P99Ms)} | {Ms(e.P999Ms)} | {Ms(e.MaxMs)} | "
                    + $"{Counts(e.Statuses)} | {Counts(e.Problems)} |");
            }
        }

        Line();
        Line("### Audits");
        Line();
        foreach (var run in results.Runs.Values.Where(r => r.Audit is not null))
        {
            Line($"- **{run.Label}** (sale {run.Audit!.SaleId}): "
                + string.Join("; ", run.Audit.Checks.Select(c => $"{c.Name}: {c.Status.ToString().ToLowerInvariant()} ({c.Detail})")));
        }

        Line();
        Line("## Charts");
        Line();
        if (results.Runs.Values.Any(BenchCharts.HasTimeline))
        {
            Line($"![Items sold and requests per second during the rushes]({chartsFolderFromDocument}/benchmark-rush.png)");
            Line();
        }

        Line($"![Latency percentiles per endpoint]({chartsFolderFromDocument}/benchmark-latency.png)");
        Line();

        if (results.Text("pg_stat_statements-rush-1.txt") is { Length: > 0 } statements)
        {
            Line("## Where PostgreSQL's time went in the 1-replica rush");
            Line();
            Line("`pg_stat_statements` (loaded only in the bench's own cluster, `track = all` so statements inside `purchase_batch` count too), "
                + "reset just before the rush and read just after it, top statements by total execution time:");
            Line();
            Line("```text");
            Line(statements);
            Line("```");
            Line();
        }

        if (results.Text("dotnet-trace-rush.txt") is { Length: > 0 } profile)
        {
            Line("## Where api-1's time went in a rush (dotnet-trace)");
            Line();
            Line("One more 1-replica rush after the measured ones, with `dotnet-trace`'s `dotnet-sampled-thread-time` profile on api-1 for 15 s "
                + "(about 100 samples a second of every managed thread, waiting ones included, so it shows wall-clock time, not only CPU):");
            Line();
            Line("```text");
            Line(profile);
            Line("```");
            Line();
        }

        if (results.Text("notes.md") is { Length: > 0 } notes)
        {
            Line(notes);
            Line();
        }

        Line("## Commands");
        Line();
        Line("What `./bench.sh` ran, in order (`$KEY` is the admin key of the stack's ready report, `$DB` the bench cluster's connection string):");
        Line();
        Line("```bash");
        Line(results.Text("commands.txt"));
        Line("```");
        return doc.ToString();
    }

    // The first 10,000-item rush on a replica just started (its only requests before: the orchestrator's health checks)
    // and the second on the same process, each component's CPU per request side by side.
    private static void WriteFirstAndSecondRush(BenchResults results, Action<string> line)
    {
        if (results.Run("rush-first") is not { } first || results.Run("rush-second") is not { } second)
        {
            return;
        }

        line("## The first rush after a start, and the second");
        line("");
        line($"api-1 alone, {results.Fact("first_rush_after")} s after the stack came up, as a replica started before its sale meets the crowd "
            + "(it had answered nothing but the orchestrator's health checks; its warm-up runs once before it is ready and once after), then again on "
            + "the same process; the same shoppers, seed and stock. Both rushes are driven by `wrk` running `bench/crowd.lua` (two threads, each a "
            + "crowd going through every item in an order of its own, buying what it got; the load tool opens the sale and audits it), so that the "
            + "client costs little beside the service; wrk measures the latency of every request, not of each endpoint. CPU per request is each "
            + "process's CPU time over the rush divided by the requests answered in it (checkouts, purchases, the refusals of shoppers who lost a "
            + "race, and the few `GET /sales/current` of connections waiting for the last answers); the client is wrk with the load tool.");
        line("");
        line("| rush | sold out after | req/s | p99 | API CPU / req | PostgreSQL CPU / req | Redis CPU / req | client CPU / req | API peak RSS |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        var rows = new List<(string, LoadResult)> { ("first", first), ("second", second) };
        if (results.Run("rush-crowd") is { } crowd)
        {
            rows.Add(($"third, {crowd.Connections} connections", crowd));
        }

        foreach (var (name, run) in rows)
        {
            line($"| {name} | {(run.SoldOutAfterSeconds is { } s ? $"{s:0.00} s" : $"not sold out ({run.Sold:N0} / {run.TotalItems:N0})")} | {Rate(run.RequestsPerSecond)} | "
                + $"{P99s(run)} | {Us(run.Resources?.ApiCpuUsPerRequest)} | {Us(run.Resources?.PostgresCpuUsPerRequest)} | {Us(run.Resources?.RedisCpuUsPerRequest)} | "
                + $"{Us(run.Resources?.ClientCpuUsPerRequest)} | {(run.Resources is { } r ? $"{r.ApiPeakRssMb:0} MB" : "-")} |");
        }

        line($"| first ÷ second | {(first.SoldOutAfterSeconds is { } a && second.SoldOutAfterSeconds is { } b ? $"{a / b:0.00}×" : "-")} | | | "
            + $"{Times(first.Resources?.ApiCpuUsPerRequest ?? 0, second.Resources?.ApiCpuUsPerRequest)} | "
            + $"{Times(first.Resources?.PostgresCpuUsPerRequest ?? 0, second.Resources?.PostgresCpuUsPerRequest)} | "
            + $"{Times(first.Resources?.RedisCpuUsPerRequest ?? 0, second.Resources?.RedisCpuUsPerRequest)} | "
            + $"{Times(first.Resources?.ClientCpuUsPerRequest ?? 0, second.Resources?.ClientCpuUsPerRequest)} | |");
        if (rows.Count > 2)
        {
            line("");
            line("The third rush, warm, is the same with a wider crowd: at 64 connections each waits most of its time for the group commit "
                + "that makes its answer durable, so more connections sell out sooner at less CPU per request (larger batches).");
        }

        line("");
        line("Issue 14's targets: the first rush sold out in ≤ 3 s (stretch 2 s) and within 1.2× of the second in time and API CPU per request; "
            + "warm, per request: API ≤ 50 µs, PostgreSQL ≤ 40 µs, Redis ≤ 15 µs.");
        line("");
    }

    // wrk measures every request together; the load tool each endpoint.
    private static string P99s(LoadResult run) => Endpoint(run, WrkScenario.EveryRequest) is { } every
        ? $"{Ms(every.P99Ms)} ms (every request)"
        : $"{Ms(Endpoint(run, ShopClient.CheckoutRoute)?.P99Ms ?? 0)} ms checkout, {Ms(Endpoint(run, ShopClient.PurchaseRoute)?.P99Ms ?? 0)} ms purchase";

    // What the crowd meets at a window's first instant: stacks that open their own 20-second sales (AutoStart), each sale
    // created, listed and loaded ahead of its window.
    private static void WriteWindowStart(BenchResults results, Action<string> line)
    {
        if (results.Windows.Count == 0)
        {
            return;
        }

        line("## The window's start");
        line("");
        line("A fresh stack per replica count, opening a 20-second sale every 20 seconds by itself (`FlashSale:SaleDuration=00:00:20`, AutoStart; "
            + "each sale is created, listed as upcoming and loaded into Redis `SaleLeadTime` ahead, half the window here). The load tool's `window` "
            + "probe reads `GET /sales/current` on every replica every 10 ms from half a second before a sale's start to two seconds after, while "
            + "64 shoppers check out distinct items of the new sale from its first instant for a second. Times are from the sale's start on the "
            + "machine's one clock.");
        line("");
        line("| replicas | sale | listed before its start | `/sales/current` after the start: non-200 / answers | new sale named after | first checkout granted after | checkouts in the first second (statuses) | checkout p50 / p99 |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var report in results.Windows)
        {
            foreach (var w in report.Windows)
            {
                line($"| {report.Targets.Count} | {w.SaleId} | {(w.ListedBeforeStartSeconds is { } l ? $"{l:0.0} s" : "(listed before the probe looked)")} | "
                    + $"{w.CurrentSaleNon200AfterStart} / {w.CurrentSaleAnswersAfterStart} | {OptionalMs(w.NewSaleNamedAfterMs)} | {OptionalMs(w.FirstCheckoutGrantedAfterMs)} | "
                    + $"{w.Checkouts:N0} ({string.Join(" ", w.CheckoutStatuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}"))}) | "
                    + $"{Ms(w.CheckoutP50Ms)} / {Ms(w.CheckoutP99Ms)} ms |");
            }
        }

        line("");
        line("Issue 14's targets: no non-200 answer from `GET /sales/current` after the start, the new sale named and the first checkout granted "
            + "within 100 ms of the start, checkouts at the start p99 ≤ 100 ms, the next sale listed as upcoming ≥ 2 s before it starts. "
            + "409s are shoppers reaching the limit of 10 items each.");
        line("");
    }

    private static string OptionalMs(double? value) => value is { } v ? $"{Ms(v)} ms" : "never";

    private static EndpointSummary? Endpoint(LoadResult run, string route) => run.Endpoints.FirstOrDefault(e => e.Endpoint == route);

    private static string Replicas(int count) => count == 1 ? "1 replica" : $"{count} replicas";

    private static string Rate(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "?";

    private static string Ms(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + (value < 0 ? "" : "");

    private static string Us(double? value) => value is { } v ? $"{v:0} µs" : "-";

    private static string Percent(double value, double? ceiling) => ceiling is > 0 ? $"{value / ceiling.Value:P0}" : "-";

    private static string Times(double value, double? ceiling) => ceiling is > 0 ? $"{value / ceiling.Value:0.00}×" : "-";

    private static string AuditText(AuditResult? audit) =>
        audit is null ? "-" : audit.Passed ? "passed" : "**FAILED**: " + string.Join(", ", audit.Failures.Select(f => f.Name));

    private static string Counts(IReadOnlyDictionary<string, long> counts) =>
        string.Join(" ", counts.Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key}:{pair.Value}")));
}
