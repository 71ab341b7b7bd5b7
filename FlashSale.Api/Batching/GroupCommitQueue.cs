using System.Diagnostics;
using System.Threading.Channels;
using OpenTelemetry;

namespace FlashSale.Api.Batching;

// Group commit: requests wait here while one writer gathers them for a moment (BatchWindow, at most
// MaxBatchSize), stores them with a single statement and commit, and only then completes every waiting
// request with its own result. A failed write fails every request of that batch: nothing is acknowledged
// that is not stored.
public sealed class GroupCommitQueue<TRequest, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TRequest>, IReadOnlyList<ActivityLink>, CancellationToken, Task<IReadOnlyList<TResult>>> _write;
    private readonly TimeSpan _window;
    private readonly int _maxBatch;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;

    public GroupCommitQueue(
        Func<IReadOnlyList<TRequest>, IReadOnlyList<ActivityLink>, CancellationToken, Task<IReadOnlyList<TResult>>> write,
        TimeSpan window,
        int maxBatch)
    {
        _write = write;
        _window = window;
        _maxBatch = maxBatch;

        // The writer serves every request, so it must not inherit the context (and the trace) of the request
        // that happened to create it: each batch starts its own span, linked to the requests it carries.
        using (ExecutionContext.SuppressFlow())
        {
            _writer = Task.Run(WriteLoopAsync);
        }
    }

    public async Task<TResult> EnqueueAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, Activity.Current?.Context, Sdk.SuppressInstrumentation);
        if (!_channel.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommitQueue<TRequest, TResult>), "The service is stopping");
        }

        // The caller may stop waiting, but the write goes on: a request that was stored stays stored.
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer;
        _stopping.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        List<Pending> batch = new(_maxBatch);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            await GatherAsync(reader, batch);
            await WriteBatchAsync(batch);
        }
    }

    // What is waiting, then what arrived within the window. The window is a delay, not a wait for more that is
    // cancelled when it closes: a cancelled wait throws, and that was one exception per batch.
    private async Task GatherAsync(ChannelReader<Pending> reader, List<Pending> batch)
    {
        TakeWaiting(reader, batch);
        if (batch.Count < _maxBatch && _window > TimeSpan.Zero)
        {
            await Task.Delay(_window);
            TakeWaiting(reader, batch);
        }
    }

    private void TakeWaiting(ChannelReader<Pending> reader, List<Pending> batch)
    {
        while (batch.Count < _maxBatch && reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            // A batch of nothing but untraced work (a replica's warm-up) is not traced either.
            using var untraced = batch.TrueForAll(pending => pending.Untraced) ? SuppressInstrumentationScope.Begin() : null;
            var requests = batch.ConvertAll(pending => pending.Request);
            var links = batch.Where(p => p.Parent.HasValue).Select(p => new ActivityLink(p.Parent!.Value)).ToList();
            var results = await _write(requests, links, _stopping.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }
        }
    }

    private sealed record Pending(TRequest Request, ActivityContext? Parent, bool Untraced)
    {
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
