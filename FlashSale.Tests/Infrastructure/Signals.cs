using System.Diagnostics;

namespace FlashSale.Tests.Infrastructure;

// Sends a POSIX signal to a process the tests started (through the AppHost or directly), as an operator or a
// crash would: KILL, TERM, STOP, CONT.
public static class Signals
{
    public static async Task SendAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
        })!;
        var error = await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {pid} failed: {error}");
    }
}
