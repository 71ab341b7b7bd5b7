using System.Net.Sockets;
using FlashSale.Api.Problems;
using FlashSale.Api.Storage;
using Npgsql;
using Pipelines.Sockets.Unofficial;
using StackExchange.Redis;

namespace FlashSale.Tests.Unit;

public sealed class DependencyFailuresTests
{
    public static TheoryData<Exception> DyingConnections => new()
    {
        new ConnectionResetException("The connection was reset"),
        new IOException("Broken pipe"),
        new SocketException((int)SocketError.ConnectionReset),
        new ObjectDisposedException("System.Net.Sockets.Socket"),
        new TimeoutException("no answer"),
        new InvalidOperationException("wrapped", new ConnectionResetException("The connection was reset")),
        new AggregateException(new SocketException((int)SocketError.ConnectionRefused)),
        ReadingACompletedPipe(),
    };

    // What StackExchange.Redis's read loop let through when Redis resumed after a pause under load.
    private static InvalidOperationException ReadingACompletedPipe()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        pipe.Reader.Complete();
        return Assert.Throws<InvalidOperationException>(() => pipe.Reader.AdvanceTo(default));
    }

    [Theory]
    [MemberData(nameof(DyingConnections))]
    public void WhatADyingConnectionThrowsIsAConnectionFailure(Exception exception) =>
        Assert.True(DependencyFailures.IsConnectionFailure(exception));

    [Fact]
    public void RedisAndPostgresExceptionsAreDependencyFailuresForCallersAndHandlersAlike()
    {
        Exception[] failures =
        [
            new RedisConnectionException(ConnectionFailureType.SocketFailure, "gone"),
            new RedisTimeoutException("slow", CommandStatus.Sent),
            new RedisConnectionException(ConnectionFailureType.SocketFailure, "wrapped", new ConnectionResetException("reset")),
            new NpgsqlException("gone"),
            new InvalidOperationException("wrapped", new NpgsqlException("gone")),
        ];

        Assert.All(failures, failure => Assert.True(DependencyFailureHandler.IsDependencyFailure(failure)));
        Assert.All(failures.Take(3), failure => Assert.True(RedisCommands.IsFailure(failure)));
    }

    [Fact]
    public void ProgrammingErrorsAreNotDependencyFailures()
    {
        Exception[] bugs = [new InvalidOperationException("bug"), new ArgumentOutOfRangeException("x"), new FormatException("bad")];

        Assert.All(bugs, bug => Assert.False(DependencyFailureHandler.IsDependencyFailure(bug)));
        Assert.All(bugs, bug => Assert.False(DependencyFailures.IsConnectionFailure(bug)));
    }
}
