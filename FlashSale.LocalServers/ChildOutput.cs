namespace FlashSale.LocalServers;

/// <summary>
/// Collects a child's stdout and stderr lines: appends them to its log file (when it has one) and keeps the last
/// lines in memory so a failure message can show them.
/// </summary>
internal sealed class ChildOutput : IDisposable
{
    private const int TailLength = 40;

    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly StreamWriter? _log;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;
    private bool _disposed;

    public ChildOutput(string? logFile)
    {
        LogFile = logFile;
        if (logFile is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var stream = new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _log = new StreamWriter(stream) { AutoFlush = true };
    }

    public string? LogFile { get; }

    /// <summary>Completes when both stdout and stderr reached end of file.</summary>
    public Task Drained => _drained.Task;

    /// <summary>One line from stdout or stderr; null means that stream ended.</summary>
    public void Receive(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _drained.TrySetResult();
            }

            return;
        }

        lock (_gate)
        {
            if (_tail.Count == TailLength)
            {
                _tail.Dequeue();
            }

            _tail.Enqueue(line);
            if (!_disposed)
            {
                _log?.WriteLine(line);
            }
        }
    }

    /// <summary>A line of our own in the log, e.g. the command line, marked so it is not mistaken for the server's.</summary>
    public void Note(string line)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _log?.WriteLine($"[flashsale {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fff}] {line}");
            }
        }
    }

    public string Tail()
    {
        lock (_gate)
        {
            return string.Join('\n', _tail.Select(line => "  " + line));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _log?.Dispose();
        }
    }
}
