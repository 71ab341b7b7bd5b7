using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace FlashSale.Api.Problems;

// The one answer to "did a storage dependency fail?", used by every Redis call (to fall back to PostgreSQL)
// and by every handler (to answer 503 instead of 500).
public static class DependencyFailures
{
    public static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutException || AnyInner(exception, IsRedisFailure);

    public static bool IsPostgresFailure(Exception exception) =>
        exception is NpgsqlException or TimeoutException || AnyInner(exception, IsPostgresFailure);

    public static bool IsDependencyFailure(Exception exception) => IsRedisFailure(exception) || IsPostgresFailure(exception);

    // What a client library lets through, unwrapped, while its connection dies: a reset socket surfaces as
    // Pipelines.Sockets.Unofficial's ConnectionResetException (an IOException), a closed one as SocketException
    // or ObjectDisposedException. Only meaningful around a call to the dependency itself (RedisCommands turns
    // these into RedisConnectionException): elsewhere an IOException may be the client's own connection.
    // A connection torn down while StackExchange.Redis still reads from it fails the commands waiting on it with the
    // pipe's own InvalidOperationException ("Reading is not allowed after reader was completed"), seen when Redis
    // resumed after a pause under load.
    public static bool IsConnectionFailure(Exception exception) =>
        exception is IOException or SocketException or ObjectDisposedException or TimeoutException
        || exception is InvalidOperationException { Source: "System.IO.Pipelines" }
        || AnyInner(exception, IsConnectionFailure);

    private static bool AnyInner(Exception exception, Func<Exception, bool> test) =>
        exception is AggregateException aggregate
            ? aggregate.InnerExceptions.Any(test)
            : exception.InnerException is { } inner && test(inner);
}
