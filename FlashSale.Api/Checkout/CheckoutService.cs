using FlashSale.Api.Configuration;
using FlashSale.Api.Problems;
using FlashSale.Api.Sales;
using FlashSale.Api.Telemetry;
using FlashSale.Api.Validation;
using Microsoft.Extensions.Options;

namespace FlashSale.Api.Checkout;

// A checkout: validate without I/O, let Redis decide in one script (or PostgreSQL when Redis cannot),
// store the attempt whatever its outcome, and answer only once it is stored.
public sealed partial class CheckoutService(
    CurrentSale currentSale,
    RedisHolds redisHolds,
    PostgresHolds postgresHolds,
    KnownSoldItems soldItems,
    CheckoutAttemptLog attemptLog,
    SaleFlowMetrics metrics,
    IOptions<FlashSaleOptions> options,
    TimeProvider time,
    ILogger<CheckoutService> logger)
{
    private static readonly HoldDecision KnownSold = HoldDecision.Refused(ProblemCodes.ItemSold);

    public async Task<CheckoutOutcome> CheckoutAsync(
        string? rawUserId, string? rawItemId, CancellationToken cancellationToken)
    {
        metrics.CheckoutAttempted();
        var now = time.GetUtcNow();
        try
        {
            if (!Parameters.TryUserId(rawUserId, "user_id", out var userId, out var problem)
                || !Parameters.TryItemId(rawItemId, "id", out var item, out problem))
            {
                await RecordRefusalAsync(now, rawUserId, rawItemId, null, ProblemCodes.InvalidRequest, cancellationToken);
                return problem;
            }

            var sale = await currentSale.GetAsync(now, cancellationToken);
            if (sale is null)
            {
                await RecordRefusalAsync(now, userId, rawItemId, null, ProblemCodes.NoActiveSale, cancellationToken);
                return new Refusal(ProblemCodes.NoActiveSale, "No sale is running right now");
            }

            if (!sale.Contains(item))
            {
                await RecordRefusalAsync(now, userId, rawItemId, sale.Id, ProblemCodes.ItemNotFound, cancellationToken);
                return new Refusal(ProblemCodes.ItemNotFound, $"{item} is not an item of the running sale {sale.Id}");
            }

            var decision = await DecideAsync(sale, item, userId, now, cancellationToken);
            if (decision.Outcome == ProblemCodes.ItemSold)
            {
                soldItems.Add(sale, item.Index);
            }

            return decision.IsGranted
                ? Granted(sale, item, userId, decision)
                : Refused(decision.Outcome, item);
        }
        catch (Exception exception) when (DependencyFailureHandler.IsDependencyFailure(exception))
        {
            metrics.CheckoutFailed(ProblemCodes.DependencyUnavailable);
            LogCheckoutUnavailable(logger, exception);
            return Refusal.DependencyUnavailable();
        }
    }

    private async Task<HoldDecision> DecideAsync(Sale sale, ItemId item, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expiresAt = sale.HoldExpiry(now, options.Value.CheckoutHold);
        var decision = soldItems.Contains(sale, item.Index)
            ? KnownSold
            : await redisHolds.TryHoldAsync(sale, item, userId, now, expiresAt, cancellationToken);
        if (decision is null)
        {
            // PostgreSQL decides and stores the attempt in the same statement.
            return await postgresHolds.HoldAndRecordAsync(sale, item, userId, now, expiresAt, cancellationToken);
        }

        var attempt = new CheckoutAttempt(now, userId, item.ToString(), sale.Id, item.Index, decision.Outcome,
            decision.Code, decision.ExpiresAt);
        try
        {
            await attemptLog.RecordAsync(attempt, cancellationToken);
        }
        catch when (decision is { IsGranted: true, IsNew: true })
        {
            await redisHolds.ReleaseAsync(sale, item, userId, decision.Code!, CancellationToken.None);
            throw;
        }

        return decision;
    }

    private async Task RecordRefusalAsync(
        DateTimeOffset now, string? rawUserId, string? rawItemId, long? saleId, string outcome, CancellationToken cancellationToken)
    {
        var attempt = new CheckoutAttempt(now, CheckoutAttempt.Clean(rawUserId), CheckoutAttempt.Clean(rawItemId), saleId, null, outcome, null, null);
        await attemptLog.RecordAsync(attempt, cancellationToken);
        metrics.CheckoutFailed(outcome);
    }

    private CheckoutOutcome Granted(Sale sale, ItemId item, string userId, HoldDecision decision)
    {
        metrics.CheckoutSucceeded();
        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogCheckoutGranted(logger, item.ToString(), userId, CheckoutCode.Redact(decision.Code!));
        }

        return new CheckoutResponse(decision.Code!, sale.Id, item.ToString(), userId, decision.ExpiresAt!.Value);
    }

    private CheckoutOutcome Refused(string outcome, ItemId item)
    {
        metrics.CheckoutFailed(outcome);
        return outcome switch
        {
            ProblemCodes.ItemSold => new Refusal(outcome, $"{item} is sold"),
            ProblemCodes.ItemReserved => new Refusal(outcome, $"{item} is held by another shopper; it returns to sale if their hold expires"),
            ProblemCodes.UserLimitReached => new Refusal(outcome,
                $"You already hold or bought {options.Value.MaxItemsPerUser} items of this sale, the most one shopper may have"),
            _ => throw new InvalidOperationException($"Unknown checkout outcome {outcome}"),
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Checkout of {ItemId} granted to {UserId} with code {Code}")]
    private static partial void LogCheckoutGranted(ILogger logger, string itemId, string userId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout answered 503: a dependency failed")]
    private static partial void LogCheckoutUnavailable(ILogger logger, Exception exception);
}
