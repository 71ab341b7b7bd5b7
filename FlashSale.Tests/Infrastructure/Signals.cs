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

    // The processes whose parent is `pid`, read from /proc.
    public static IEnumerable<int> ChildrenOf(int pid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => (Pid: int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture), Parent: ParentOf(name!)))
            .Where(process => process.Parent == pid)
            .Select(process => process.Pid)
            .ToList();

    private static int? ParentOf(string pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (command) state ppid ...", the command may hold spaces and parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // the process is gone
        }
    }
}
