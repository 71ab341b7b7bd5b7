using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// The line of JSON bench/crowd.lua prints at the end of a wrk run (latencies in µs).
public sealed record WrkFigures(
    long CheckoutsSent,
    long CheckoutAnswers,
    long Granted,
    long PurchasesSent,
    long PurchasesOk,
    long PurchasesRefused,
    long Looks,
    long Failures,
    Dictionary<string, long> Problems,
    long Requests,
    long DurationUs,
    long TransportErrors,
    long Timeouts,
    long P50Us,
    long P90Us,
    long P99Us,
    long P999Us,
    long MaxUs)
{
    // Several wrk runs at once (one per target): counts add up; of the latencies each percentile's worst is kept.
    public static WrkFigures Sum(IReadOnlyList<WrkFigures> runs) => runs.Aggregate((a, b) => new WrkFigures(
        a.CheckoutsSent + b.CheckoutsSent, a.CheckoutAnswers + b.CheckoutAnswers, a.Granted + b.Granted, a.PurchasesSent + b.PurchasesSent,
        a.PurchasesOk + b.PurchasesOk, a.PurchasesRefused + b.PurchasesRefused, a.Looks + b.Looks, a.Failures + b.Failures,
        a.Problems.Concat(b.Problems).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value)),
        a.Requests + b.Requests, Math.Max(a.DurationUs, b.DurationUs), a.TransportErrors + b.TransportErrors, a.Timeouts + b.Timeouts,
        Math.Max(a.P50Us, b.P50Us), Math.Max(a.P90Us, b.P90Us), Math.Max(a.P99Us, b.P99Us), Math.Max(a.P999Us, b.P999Us), Math.Max(a.MaxUs, b.MaxUs)));

    // A checkout or purchase sent but not answered (a 5xx, a timeout, the time limit) may have been stored.
    public SeenSnapshot Seen => new(CheckoutAnswers, CheckoutsSent - CheckoutAnswers, Granted, PurchasesOk, PurchasesSent - PurchasesOk - PurchasesRefused);

    public EndpointSummary Summarize(string endpoint, Scenario scenario, TimeSpan elapsed) => new(
        endpoint,
        Requests,
        elapsed.TotalSeconds > 0 ? Requests / elapsed.TotalSeconds : 0,
        P50Us / 1000.0, P90Us / 1000.0, P99Us / 1000.0, P999Us / 1000.0, MaxUs / 1000.0,
        Statuses(scenario),
        new SortedDictionary<string, long>(Problems));

    private SortedDictionary<string, long> Statuses(Scenario scenario) => scenario switch
    {
        Scenario.Alive => new() { ["200"] = Requests - Failures, ["other"] = Failures, ["error"] = TransportErrors + Timeouts },
        Scenario.Checkout => new() { ["200"] = Granted, ["4xx"] = CheckoutAnswers - Granted, ["5xx"] = Failures, ["error"] = TransportErrors + Timeouts },
        _ => new()
        {
            ["checkout 200"] = Granted,
            ["checkout 4xx"] = CheckoutAnswers - Granted,
            ["purchase 200"] = PurchasesOk,
            ["purchase 4xx"] = PurchasesRefused,
            ["GET /sales/current"] = Looks,
            ["5xx"] = Failures,
            ["error"] = TransportErrors + Timeouts,
        },
    };
}
