using System.ComponentModel;
using System.Diagnostics;

namespace FlashSale.LocalServers;

/// <summary>
/// A server (or a one-shot command such as initdb) running as a child of this process: its output goes to a log
/// file, its exit is tracked, it is stopped with a signal and SIGKILLed when it does not stop in time, and it is
/// registered so that it is stopped when this process exits (<see cref="ChildProcessRegistry"/>).
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ChildOutput _output;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(ChildProcessStart start)
    {
        Name = start.Name;
        StopSignal = start.StopSignal;
        _output = new ChildOutput(start.LogFile);
        var startInfo = new ProcessStartInfo(start.FileName)
        {
            UseShellExecute = false,
            WorkingDirectory = start.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in start.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in start.Environment)
        {
            startInfo.Environment[name] = value;
        }

        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => _output.Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => _output.Receive(e.Data);
        _process.Exited += (_, _) => OnExited();
    }

    public string Name { get; }

    public int Id { get; private set; }

    public UnixSignal StopSignal { get; }

    public bool HasExited => _exited.Task.IsCompleted;

    public Task Exited => _exited.Task;

    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(ChildProcessStart start)
    {
        var child = new ChildProcess(start);
        child.Launch(start);
        return child;
    }

    /// <summary>Starts the child and waits until <paramref name="readiness"/> says it serves; kills it if it never does.</summary>
    public static async Task<ChildProcess> StartAsync(ChildProcessStart start, ReadinessProbe readiness, CancellationToken cancellationToken)
    {
        var child = Start(start);
        try
        {
            await readiness.WaitAsync(child, cancellationToken);
            child._output.Note($"{child.Name} is ready: it {readiness.Description}");
            return child;
        }
        catch
        {
            await child.KillAsync();
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command to its end and returns its exit code and last output lines; cancelling sends it its stop signal.</summary>
    public static async Task<CommandResult> RunAsync(ChildProcessStart start, CancellationToken cancellationToken)
    {
        await using var child = Start(start);
        try
        {
            await child.Exited.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await child.StopAsync(child.StopSignal, ServerTimeouts.Stop, CancellationToken.None);
            throw;
        }

        await child.WaitForOutputAsync();
        return new CommandResult(child.ExitCode, child._output.Tail());
    }

    public void Signal(UnixSignal signal)
    {
        if (!HasExited)
        {
            _output.Note($"sending {signal.Name()} to {Name} (pid {Id})");
            UnixSignals.Send(Id, signal);
        }
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="timeout"/>, then SIGKILLs the process tree.</summary>
    public async Task StopAsync(UnixSignal signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (HasExited)
        {
            return;
        }

        Signal(signal);
        try
        {
            await Exited.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _output.Note($"{Name} did not stop within {timeout.TotalSeconds:0} s");
            await KillAsync();
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw;
        }
    }

    /// <summary>SIGKILLs the process and its descendants (e.g. PostgreSQL's backends) and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        KillTree();
        await Exited;
    }

    /// <summary>The last output lines, for an error message, after giving the output a moment to arrive.</summary>
    public async Task<string> DescribeOutputAsync()
    {
        if (HasExited)
        {
            await WaitForOutputAsync();
        }

        var where = _output.LogFile is null ? "" : $" (full log: {_output.LogFile})";
        return $"Last output of {Name}{where}:\n{_output.Tail()}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            await StopAsync(StopSignal, ServerTimeouts.Stop, CancellationToken.None);
        }

        await WaitForOutputAsync();
        _output.Dispose();
        _process.Dispose();
    }

    /// <summary>For <see cref="ChildProcessRegistry"/>, which must stop children synchronously while this process exits.</summary>
    internal void SignalQuietly(UnixSignal signal)
    {
        if (HasExited || _process.HasExited)
        {
            return;
        }

        _output.Note($"this process is ending: sending {signal.Name()} to {Name} (pid {Id})");
        try
        {
            UnixSignals.Send(Id, signal);
        }
        catch (Win32Exception)
        {
            // Exiting anyway: the SIGKILL that follows is the fallback.
        }
    }

    internal bool WaitForExit(TimeSpan timeout) => HasExited || _process.WaitForExit(timeout);

    internal void KillTree()
    {
        if (HasExited)
        {
            return;
        }

        _output.Note($"killing {Name} (pid {Id}) and its descendants");
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime.
        }
    }

    private void Launch(ChildProcessStart start)
    {
        _output.Note($"starting {Name}: {start.CommandLine}");
        try
        {
            _process.Start();
        }
        catch (Win32Exception e)
        {
            _output.Dispose();
            _process.Dispose();
            throw new ServerStartException($"Could not start {Name} ({start.FileName}): {e.Message}", e);
        }

        Id = _process.Id;
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        ChildProcessRegistry.Add(this);
        if (HasExited)
        {
            ChildProcessRegistry.Remove(this); // it exited before it was registered
        }
    }

    private void OnExited()
    {
        if (_exited.Task.IsCompleted)
        {
            return;
        }

        ChildProcessRegistry.Remove(this);
        _output.Note($"{Name} (pid {_process.Id}) exited with code {_process.ExitCode}");
        _exited.TrySetResult();
    }

    private async Task WaitForOutputAsync()
    {
        try
        {
            await _output.Drained.WaitAsync(ServerTimeouts.OutputDrain);
        }
        catch (TimeoutException)
        {
            // A descendant still holds the pipe (e.g. an orphaned PostgreSQL backend); its last lines are lost.
        }
    }
}
