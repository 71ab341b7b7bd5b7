using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using Npgsql;

namespace FlashSale.Api.Checkout;

// Decides and records a checkout in PostgreSQL alone (one function call), for when Redis cannot: slower
// than the Redis script, and just as correct.
public sealed class PostgresHolds(Database database)
{
    public Task<HoldDecision> HoldAndRecordAsync(
        Sale sale, ItemId item, string userId, DateTimeOffset now, DateTimeOffset expiry, CancellationToken cancellationToken) =>
        database.RunAsync(QueryTypes.Function, Tables.CheckoutAttempts, async (connection, ct) =>
        {
            var newCode = CheckoutCode.New();
            await using var command = new NpgsqlCommand("select * from checkout_without_redis($1, $2, $3, $4, $5, $6, $7, $8)", connection)
            {
                Parameters =
                {
                    new() { Value = sale.Id },
                    new() { Value = item.Index },
                    new() { Value = item.ToString() },
                    new() { Value = userId },
                    new() { Value = now },
                    new() { Value = expiry },
                    new() { Value = newCode },
                    new() { Value = sale.MaxItemsPerUser },
                },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var outcome = reader.GetString(0);
            if (outcome != CheckoutAttempt.Granted)
            {
                return HoldDecision.Refused(outcome);
            }

            var code = reader.GetString(1);
            var expiresAt = reader.GetFieldValue<DateTimeOffset>(2);
            return new HoldDecision(outcome, code, expiresAt, IsNew: code == newCode);
        }, cancellationToken);
}
