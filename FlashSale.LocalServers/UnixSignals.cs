using System.ComponentModel;
using System.Runtime.InteropServices;

namespace FlashSale.LocalServers;

/// <summary>kill(2): .NET can only SIGKILL a process, and the servers need SIGINT or SIGTERM to shut down cleanly.</summary>
internal static partial class UnixSignals
{
    private const int NoSuchProcess = 3; // ESRCH: it has exited already

    public static void Send(int processId, UnixSignal signal)
    {
        if (Kill(processId, (int)signal) == 0)
        {
            return;
        }

        var error = Marshal.GetLastPInvokeError();
        if (error != NoSuchProcess)
        {
            throw new Win32Exception(error, $"kill({processId}, {signal}) failed");
        }
    }

    public static string Name(this UnixSignal signal) => signal switch
    {
        UnixSignal.Interrupt => "SIGINT",
        UnixSignal.Kill => "SIGKILL",
        UnixSignal.Terminate => "SIGTERM",
        _ => $"signal {(int)signal}",
    };

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int processId, int signal);
}
