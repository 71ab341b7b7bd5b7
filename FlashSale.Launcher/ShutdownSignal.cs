using System.Runtime.InteropServices;
using FlashSale.LocalServers;

namespace FlashSale.Launcher;

/// <summary>
/// SIGINT (Ctrl-C), SIGTERM and SIGHUP ask the launcher to stop: their default action (dying at once and leaving
/// the children behind) is cancelled, and the launcher stops what it started, in order, then exits 0. The
/// LocalServers registry is told to leave these signals to the launcher; it still stops, when this process exits,
/// any child left running.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly List<PosixSignalRegistration> _registrations;

    public ShutdownSignal()
    {
        ChildProcessRegistry.HostStopsChildrenOnSignals = true;
        _registrations = [.. ((PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP])
            .Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];
    }

    public CancellationToken Token => _requested.Token;

    public bool IsRequested => _requested.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
        ChildProcessRegistry.HostStopsChildrenOnSignals = false;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (IsRequested)
        {
            Console.WriteLine($"{context.Signal}: already stopping; every server gets 15 s before it is killed.");
            return;
        }

        Console.WriteLine($"{context.Signal}: stopping FlashSale...");

        // Not Cancel(): its callbacks would run the whole shutdown on the runtime's signal-handling thread.
        _ = _requested.CancelAsync();
    }
}
