using System.Diagnostics;
using System.Net;
using FlashSale.Api.Problems;
using FlashSale.Api.Telemetry;
using StackExchange.Redis;

namespace FlashSale.Api.Storage;

// The one path every FlashSale Redis call takes: a client span, a latency sample and, on failure, an error
// count, all under the command's (or script's) name. Calls fail fast while the connection is down, so
// callers can fall back to PostgreSQL instead of waiting on a dead server; whatever a dying connection
// throws leaves here as a Redis failure (RedisCommands.IsFailure).
public sealed class RedisCommands(IConnectionMultiplexer redis, RedisMetrics metrics)
{
    // The server named in spans (server.address, server.port), so trace viewers such as the Aspire dashboard can
    // tell which resource a call went to.
    private readonly (string Address, int Port)? _server = redis.GetEndPoints().FirstOrDefault() switch
    {
        DnsEndPoint dns => (dns.Host, dns.Port),
        IPEndPoint ip => (ip.Address.ToString(), ip.Port),
        _ => null,
    };

    public bool IsConnected => redis.IsConnected;

    public static bool IsFailure(Exception exception) => DependencyFailures.IsRedisFailure(exception);

    public async Task<T> RunAsync<T>(string command, Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = ActivitySources.Redis.StartActivity($"redis {command}", ActivityKind.Client);
        activity?.SetTag("db.system.name", "redis");
        activity?.SetTag("db.operation.name", command);
        if (activity is not null && _server is var (address, port))
        {
            activity.SetTag("server.address", address);
            activity.SetTag("server.port", port);
        }

        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            if (!redis.IsConnected)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected");
            }

            return await call(redis.GetDatabase()).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (IsFailure(exception) || DependencyFailures.IsConnectionFailure(exception))
        {
            failed = true;
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            if (IsFailure(exception))
            {
                throw;
            }

            // A dying connection may throw its socket's exception as is: callers see a Redis failure either way.
            throw new RedisConnectionException(ConnectionFailureType.SocketFailure, $"Redis failed during {command}: {exception.Message}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Nobody here cancelled: the client gave up on the command (it cancels what it had queued for a
            // connection that hangs). That is Redis failing to answer, not the request going away.
            failed = true;
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw new RedisTimeoutException($"Redis gave up on {command}: {exception.Message}", CommandStatus.Unknown);
        }
        finally
        {
            metrics.RecordCommand(command, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    // By SHA1 rather than by text: StackExchange.Redis finds a text's SHA1 by hashing the whole text on every call
    // (1 % of a warm rush's API samples). A Redis that does not know the script gets its text once (EVAL loads it).
    public Task<RedisResult> ScriptAsync(RedisScript script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken) =>
        RunAsync(script.Name, db => EvaluateAsync(db, script, keys, values), cancellationToken);

    private static async Task<RedisResult> EvaluateAsync(IDatabase db, RedisScript script, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await db.ScriptEvaluateAsync(script.Sha1, keys, values);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(script.Body, keys, values);
        }
    }
}
