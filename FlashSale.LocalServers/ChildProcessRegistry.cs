using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FlashSale.LocalServers;

/// <summary>
/// Every child still running, so that none outlives this process. When this process ends normally (ProcessExit) or
/// receives SIGINT, SIGTERM or SIGHUP, each child gets its stop signal, a few seconds in all to stop, and then SIGKILL;
/// the signal then takes its usual course. The signals need handlers of their own: since .NET 10 the runtime no longer
/// raises ProcessExit for them, the process just dies.
/// PR_SET_PDEATHSIG is not used: it fires when the forking thread exits, and .NET forks from whichever thread-pool
/// thread happens to call Process.Start. A SIGKILL of this process still orphans the children: nothing can prevent that.
/// </summary>
internal static class ChildProcessRegistry
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<ChildProcess> Running = [];
    private static readonly List<PosixSignalRegistration> SignalHandlers = [];

    /// <summary>
    /// Set by a host that stops its children itself, in its own order, on SIGINT, SIGTERM and SIGHUP (the launcher):
    /// the registry then leaves those signals to it and only stops, at ProcessExit, what is still running.
    /// </summary>
    public static bool HostStopsChildrenOnSignals { get; set; }

    public static void Add(ChildProcess child)
    {
        lock (Gate)
        {
            if (SignalHandlers.Count == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
                foreach (var signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP])
                {
                    SignalHandlers.Add(PosixSignalRegistration.Create(signal, _ =>
                    {
                        if (!HostStopsChildrenOnSignals)
                        {
                            StopAll();
                        }
                    }));
                }
            }

            Running.Add(child);
        }
    }

    public static void Remove(ChildProcess child)
    {
        lock (Gate)
        {
            Running.Remove(child);
        }
    }

    private static void StopAll()
    {
        ChildProcess[] children;
        lock (Gate)
        {
            children = [.. Running];
        }

        foreach (var child in children)
        {
            child.SignalQuietly(child.StopSignal);
        }

        var started = Stopwatch.GetTimestamp();
        foreach (var child in children)
        {
            var left = ServerTimeouts.StopOnProcessExit - Stopwatch.GetElapsedTime(started);
            if (!child.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                child.KillTree();
            }
        }
    }
}
