using FlashSale.Api.Checkout;
using FlashSale.Api.Problems;
using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using FlashSale.Api.Validation;
using StackExchange.Redis;

namespace FlashSale.Api.Purchases;

// A purchase: PostgreSQL decides under its constraints, and answers a code redeemed before with its first receipt.
// After a commit Redis and this replica learn of it, so later checkouts of the item are refused early. While
// PostgreSQL cannot answer, a code redeemed before is still answered from Redis's copy of its receipt.
public sealed partial class PurchaseService(
    PurchaseLedger ledger,
    RedisCommands redis,
    RedisKeys keys,
    RedisSaleState saleState,
    CurrentSale currentSale,
    KnownSoldItems soldItems,
    SaleFlowMetrics metrics,
    TimeProvider time,
    ILogger<PurchaseService> logger)
{
    public async Task<PurchaseResult> PurchaseAsync(string? rawCode, CancellationToken cancellationToken)
    {
        metrics.PurchaseAttempted();
        if (!Parameters.TryCode(rawCode, "code", out var code, out var problem))
        {
            metrics.PurchaseFailed(ProblemCodes.InvalidRequest);
            return problem;
        }

        try
        {
            var outcome = await ledger.RedeemAsync(code, cancellationToken);
            switch (outcome.Outcome)
            {
                case PurchaseOutcome.Purchased:
                    metrics.PurchaseCommitted();
                    if (logger.IsEnabled(LogLevel.Debug))
                    {
                        LogPurchased(logger, outcome.Receipt!.ItemId, outcome.Receipt.UserId, CheckoutCode.Redact(code));
                    }

                    await MirrorAsync(code, outcome.Receipt!, cancellationToken);
                    return outcome.Receipt!;
                case PurchaseOutcome.AlreadyPurchased:
                    await MirrorAsync(code, outcome.Receipt!, cancellationToken);
                    return outcome.Receipt!;
                default:
                    metrics.PurchaseFailed(outcome.Outcome);
                    return RefusalOf(outcome.Outcome);
            }
        }
        catch (Exception exception) when (DependencyFailureHandler.IsDependencyFailure(exception))
        {
            if (await FindRedeemedAsync(code, cancellationToken) is { } earlier)
            {
                return earlier;
            }

            metrics.PurchaseFailed(ProblemCodes.DependencyUnavailable);
            LogPurchaseUnavailable(logger, exception);
            return Refusal.DependencyUnavailable("PostgreSQL did not answer; the purchase was not made. Retry with the same code.");
        }
    }

    private static Refusal RefusalOf(string outcome) => outcome switch
    {
        ProblemCodes.CodeNotFound => new Refusal(outcome, "No checkout gave this code"),
        ProblemCodes.CodeExpired => new Refusal(outcome, "The hold of this code has expired; the item may be checked out again"),
        ProblemCodes.ItemSold => new Refusal(outcome, "The item was sold to someone else"),
        ProblemCodes.UserLimitReached => new Refusal(outcome, "You already bought the most items one shopper may buy in this sale"),
        ProblemCodes.SaleEnded => new Refusal(outcome, "The sale of this item has ended"),
        _ => throw new InvalidOperationException($"Unknown purchase outcome {outcome}"),
    };

    private async Task<PurchaseReceipt?> FindRedeemedAsync(string code, CancellationToken cancellationToken)
    {
        try
        {
            var json = await redis.RunAsync("GET", db => db.StringGetAsync(keys.Purchase(code)), cancellationToken);
            return json.IsNullOrEmpty ? null : PurchaseReceipt.FromJson(json.ToString());
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            saleState.MarkStale();
            return null;
        }
    }

    private async Task MirrorAsync(string code, PurchaseReceipt receipt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sale = await currentSale.GetAsync(now, cancellationToken);
        _ = ItemId.TryParse(receipt.ItemId, out var item);
        var lifetime = (long)TimeSpan.FromHours(1).TotalMilliseconds;
        if (sale?.Id == receipt.SaleId)
        {
            lifetime = RedisSaleState.KeyLifetimeMilliseconds(sale, now);
            soldItems.Add(sale, item.Index);
        }

        try
        {
            await redis.ScriptAsync(
                RedisScript.PurchaseCommitted,
                keys.PurchaseCommitted(code, receipt.SaleId, item.Index, receipt.UserId),
                [receipt.ToJson(), item.Index, lifetime, code],
                cancellationToken);
        }
        catch (Exception exception) when (RedisCommands.IsFailure(exception))
        {
            // PostgreSQL has the purchase; Redis will be reloaded from it.
            saleState.MarkStale();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purchased {ItemId} for {UserId} with code {Code}")]
    private static partial void LogPurchased(ILogger logger, string itemId, string userId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purchase answered 503: a dependency failed")]
    private static partial void LogPurchaseUnavailable(ILogger logger, Exception exception);
}
