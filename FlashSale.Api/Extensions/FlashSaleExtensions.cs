using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using FlashSale.Api.Checkout;
using FlashSale.Api.Configuration;
using FlashSale.Api.Contract;
using FlashSale.Api.Health;
using FlashSale.Api.Limits;
using HealthChecks.NpgSql;
using HealthChecks.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using FlashSale.Api.Problems;
using FlashSale.Api.Purchases;
using FlashSale.Api.Sales;
using FlashSale.Api.Storage;
using FlashSale.Api.Telemetry;
using FlashSale.Api.Users;
using FlashSale.Api.WarmUp;
using FlashSale.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace FlashSale.Api.Extensions;

public static partial class FlashSaleExtensions
{
    // A health check must answer within a second even when its dependency hangs.
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromMilliseconds(800);

    public static WebApplicationBuilder AddFlashSale(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FlashSaleOptions>()
            .BindConfiguration(FlashSaleOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FlashSaleOptions>, FlashSaleOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        builder.AddPostgres();
        builder.AddRedis();

        services.AddSingleton<DatabaseMetrics>();
        services.AddSingleton<RedisMetrics>();
        services.AddSingleton<LockMetrics>();
        services.AddSingleton<SaleFlowMetrics>();
        services.AddSingleton<Database>();
        services.AddSingleton<RedisCommands>();
        services.AddSingleton<RedisKeys>();
        services.AddSingleton<RedisLock>();

        services.AddSingleton<SaleRepository>();
        services.AddSingleton<CurrentSale>();
        services.AddSingleton<KnownSoldItems>();
        services.AddSingleton<SaleFigures>();
        services.AddSingleton<CheckoutAttemptLog>();
        services.AddSingleton<RedisSaleState>();
        services.AddSingleton<RedisHolds>();
        services.AddSingleton<PostgresHolds>();
        services.AddSingleton<CheckoutService>();
        services.AddSingleton<PurchaseLedger>();
        services.AddSingleton<PurchaseService>();

        // Hosted services start in this order: the schema is migrated before anything else touches it.
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService<SaleScheduler>();
        services.AddSingleton<SaleStockMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<SaleStockMetrics>());
        services.AddSingleton<WarmUpHealthCheck>();
        services.AddHostedService<HotPathWarmUp>();
        services.AddSingleton<ShutdownDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());

        services.AddHealthChecks()
            .Add(new HealthCheckRegistration(HealthDocument.DatabaseCheckName, sp => new MeasuredHealthCheck(
                new NpgSqlHealthCheck(new NpgSqlHealthCheckOptions(sp.GetRequiredService<NpgsqlDataSource>())),
                (elapsed, failed) => sp.GetRequiredService<DatabaseMetrics>().RecordQuery(QueryTypes.Health, Tables.None, elapsed, failed)),
                failureStatus: null, tags: null, timeout: HealthCheckTimeout))
            .Add(new HealthCheckRegistration(HealthDocument.RedisCheckName, sp => new MeasuredHealthCheck(
                new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
                (elapsed, failed) => sp.GetRequiredService<RedisMetrics>().RecordCommand("PING", elapsed, failed)),
                failureStatus: null, tags: null, timeout: HealthCheckTimeout))
            .AddCheck<WarmUpHealthCheck>(WarmUpHealthCheck.Name)
            .AddCheck<ShutdownDrain>(ShutdownDrain.Name, tags: [HealthDocument.LiveTag]);

        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.Converters.Add(new UtcTimestampConverter());
            // Numbers are numbers: not also strings, so the document types them as integers.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // Generated code only, as in an ahead-of-time build: no reflection to fall back on, so a type missing
            // from ApiJsonContext fails here too (the framework adds its own context for problem details).
            options.SerializerOptions.TypeInfoResolverChain.Clear();
            options.SerializerOptions.TypeInfoResolverChain.Add(ApiJsonContext.Default);
        });
        services.AddProblemDetails(options => options.CustomizeProblemDetails = FrameworkProblems.Customize);
        services.AddExceptionHandler<DependencyFailureHandler>();

        // A body the framework cannot bind throws, so that BadRequestHandler can say what was wrong with it.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();
        builder.WebHost.ConfigureKestrel(RequestLimits.ConfigureKestrel);
        services.AddFlashSaleRateLimiting();
        services.AddOpenApiContract();

        return builder;
    }

    public const string ReplicaHeader = "X-FlashSale-Replica";

    // Reading the options validates them: a bad setting stops the start here, before the host starts.
    public static FlashSaleOptions ValidatedOptions(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<FlashSaleOptions>>().Value;

    // Every answer names the replica that gave it. Set as the answer starts, not as the request arrives: the
    // exception handler clears the headers of a failed request before it writes its 500, and that answer must
    // name its replica too.
    public static WebApplication UseReplicaHeader(this WebApplication app, string replicaName)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[ReplicaHeader] = replicaName;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    // Aspire's integration registers the data source and owns Npgsql's tracing and metrics. The "database"
    // health check stays ours (measured, with its timeout), so Aspire's own is off.
    private static void AddPostgres(this WebApplicationBuilder builder)
    {
        var connectionString = RequiredConnectionString(builder.Configuration, FlashSaleOptions.PostgresConnectionName);
        builder.AddNpgsqlDataSource(FlashSaleOptions.PostgresConnectionName,
            settings => settings.DisableHealthChecks = true,
            dataSource =>
            {
                // Names the pool in Npgsql's metrics (instead of the connection string) and lets DatabaseMetrics find it.
                dataSource.Name = DatabaseMetrics.PoolName;

                // A command outside any request or batch (the stock gauges' refresh, health probes) is not traced:
                // each would be a trace of its own every few seconds, burying the requests in the dashboard.
                dataSource.ConfigureTracing(tracing => tracing
                    .ConfigureCommandFilter(_ => Activity.Current is not null)
                    .ConfigureBatchFilter(_ => Activity.Current is not null)
                    .ConfigureCopyOperationFilter(_ => Activity.Current is not null));

                // No request may wait forever on a sick database: bound connecting and every command.
                var connection = dataSource.ConnectionStringBuilder;
                if (!Mentions(connectionString, "timeout"))
                {
                    connection.Timeout = 5;
                }

                if (!Mentions(connectionString, "command ?timeout"))
                {
                    connection.CommandTimeout = 10;
                }

                // A connection goes back to the pool as it is, without DISCARD ALL: that reset also drops every
                // plan PostgreSQL cached for the connection, so each purchase_batch planned its statements again
                // (docs/benchmarks-notes.md). FlashSale leaves no session state behind: no SET, no temporary table,
                // and the migrator holds its session lock on a connection outside the pool.
                if (!Mentions(connectionString, "no ?reset ?on ?close"))
                {
                    connection.NoResetOnClose = true;
                }
            });
    }

    // Aspire's integration registers the connection. The "redis" health check stays ours, and FlashSale.Redis
    // already makes one span per command or script, so Aspire's health check and Redis tracing are off. Aspire
    // also gives StackExchange.Redis the app's loggers; appsettings.json turns that category off:
    // it logs its whole handshake at Information and, during an outage, every reconnect attempt as an error.
    private static void AddRedis(this WebApplicationBuilder builder)
    {
        var connectionString = RequiredConnectionString(builder.Configuration, FlashSaleOptions.RedisConnectionName);
        builder.AddRedisClient(FlashSaleOptions.RedisConnectionName,
            settings =>
            {
                settings.DisableHealthChecks = true;
                settings.DisableTracing = true;
            },
            options =>
            {
                options.AbortOnConnectFail = false;
                if (!Mentions(connectionString, "connectTimeout"))
                {
                    options.ConnectTimeout = 2000;
                }

                if (!Mentions(connectionString, "asyncTimeout"))
                {
                    options.AsyncTimeout = 2000;
                }

                options.ReconnectRetryPolicy = new LinearRetry(500);
                // Replies are read on the .NET thread pool, not on the client's own dedicated threads: cheaper per
                // checkout on two cores (docs/benchmarks-notes.md, "Where the time went", point 4).
                options.SocketManager = SocketManager.ThreadPool;
            });
    }

    // Checked before Aspire is called, so a missing connection string stops the start at once with one line
    // naming both ways to give it; Aspire would fail later, when the connection is first used.
    private static string RequiredConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new SettingException(
                $"ConnectionStrings:{name} is not set. Give it in configuration or as the environment variable ConnectionStrings__{name}.");

    private static bool Mentions(string connectionString, string keyPattern) =>
        Regex.IsMatch(connectionString, $@"(^|[;,])\s*{keyPattern}\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
