using System.Diagnostics;
using DbUp;
using DbUp.Engine;
using FlashSale.Api.Telemetry;
using Npgsql;
using Polly;
using Polly.Retry;

namespace FlashSale.Api.Storage;

// Applies the versioned migrations in Storage/Migrations at start-up, before the service takes traffic.
// A session-level advisory lock makes replicas that start together take turns: the first applies the
// scripts, the others find them applied.
public sealed partial class DatabaseMigrator(
    NpgsqlDataSource dataSource, DatabaseMetrics metrics, ILogger<DatabaseMigrator> logger) : IHostedService
{
    private const long MigrationLockKey = 0x466C61736853616C; // "FlashSal"
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(60);

    // A PostgreSQL not up yet (no connection; not an error it answered) is tried again every second for
    // StartupPatience; then its last exception stops the start.
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var untilReachable = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = attempt => ValueTask.FromResult(
                    attempt.Outcome.Exception is NpgsqlException and not PostgresException && Stopwatch.GetElapsedTime(started) < StartupPatience),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Constant,
                OnRetry = attempt =>
                {
                    LogWaitingForDatabase(logger, attempt.Outcome.Exception!.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        await untilReachable.ExecuteAsync(MigrateAsync, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async ValueTask MigrateAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            // Outside the pool, whose connections keep their session when returned: closing this one ends its
            // session, and so releases the lock, whatever happened while it was held.
            var unpooled = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString) { Pooling = false }.ConnectionString;
            await using var lockConnection = new NpgsqlConnection(unpooled);
            await lockConnection.OpenAsync(cancellationToken);
            await using (var takeLock = new NpgsqlCommand($"select pg_advisory_lock({MigrationLockKey})", lockConnection))
            {
                await takeLock.ExecuteNonQueryAsync(cancellationToken);
            }

            var result = await Task.Run(() => Upgrade(dataSource.ConnectionString), cancellationToken);
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Database migration failed in script {result.ErrorScript?.Name}: {result.Error?.Message}", result.Error);
            }

            foreach (var script in result.Scripts)
            {
                LogMigrationApplied(logger, script.Name);
            }
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            metrics.RecordQuery(QueryTypes.Migrate, Tables.Schema, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    private static DatabaseUpgradeResult Upgrade(string connectionString) =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.Contains(".Storage.Migrations.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build()
            .PerformUpgrade();

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is not reachable yet ({Reason}); retrying")]
    private static partial void LogWaitingForDatabase(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied database migration {Script}")]
    private static partial void LogMigrationApplied(ILogger logger, string script);
}
