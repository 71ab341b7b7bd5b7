using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlashSale.Api.Problems;

namespace FlashSale.Api.Telemetry;

// Business counters of the checkout and purchase paths. Each is incremented by its own path only, once per request.
public sealed class SaleFlowMetrics
{
    public const string MeterName = "FlashSale.SaleFlow";

    // Failure counters start at zero for every reason, so failure rates are series from the first scrape on.
    private static readonly string[] CheckoutFailureReasons =
    [
        ProblemCodes.InvalidRequest, ProblemCodes.ItemNotFound, ProblemCodes.NoActiveSale, ProblemCodes.ItemSold,
        ProblemCodes.ItemReserved, ProblemCodes.UserLimitReached, ProblemCodes.DependencyUnavailable,
    ];

    private static readonly string[] PurchaseFailureReasons =
    [
        ProblemCodes.InvalidRequest, ProblemCodes.CodeNotFound, ProblemCodes.CodeExpired, ProblemCodes.ItemSold,
        ProblemCodes.UserLimitReached, ProblemCodes.SaleEnded, ProblemCodes.DependencyUnavailable,
    ];

    private readonly Counter<long> _checkoutAttempts;
    private readonly Counter<long> _checkoutSuccesses;
    private readonly Counter<long> _checkoutFailures;
    private readonly Counter<long> _purchaseAttempts;
    private readonly Counter<long> _purchaseSuccesses;
    private readonly Counter<long> _purchaseFailures;

    public SaleFlowMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _checkoutAttempts = meter.CreateCounter<long>("checkout_attempts_total", description: "Total number of checkout attempts");
        _checkoutSuccesses = meter.CreateCounter<long>("checkout_success_total", description: "Total number of successful checkouts");
        _checkoutFailures = meter.CreateCounter<long>("checkout_failure_total", description: "Refused or failed checkouts by problem code");
        _purchaseAttempts = meter.CreateCounter<long>("purchase_attempts_total", description: "Total number of purchase attempts");
        _purchaseSuccesses = meter.CreateCounter<long>("purchase_success_total", description: "Purchases committed (a repeated code is not counted again)");
        _purchaseFailures = meter.CreateCounter<long>("purchase_failure_total", description: "Refused or failed purchases by problem code");
        foreach (var reason in CheckoutFailureReasons)
        {
            _checkoutFailures.Add(0, new TagList { { "reason", reason } });
        }

        foreach (var reason in PurchaseFailureReasons)
        {
            _purchaseFailures.Add(0, new TagList { { "reason", reason } });
        }
    }

    public void CheckoutAttempted() => _checkoutAttempts.Add(1);

    public void CheckoutSucceeded() => _checkoutSuccesses.Add(1);

    public void CheckoutFailed(string reason) => _checkoutFailures.Add(1, new TagList { { "reason", reason } });

    public void PurchaseAttempted() => _purchaseAttempts.Add(1);

    public void PurchaseCommitted() => _purchaseSuccesses.Add(1);

    public void PurchaseFailed(string reason) => _purchaseFailures.Add(1, new TagList { { "reason", reason } });
}
