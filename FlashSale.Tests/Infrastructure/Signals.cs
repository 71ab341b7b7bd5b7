using System.Diagnostics;
using Aspire.Hosting;

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

    // The operating-system process of a resource (an executable on this substrate), from the orchestrator's snapshot.
    public static int ProcessIdOf(this DistributedApplication app, string resource)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var state), $"No state for {resource}");
        var pid = state!.Snapshot.Properties.FirstOrDefault(p => p.Name == ProcessIdProperty)?.Value;
        Assert.True(pid is not null, $"{resource} has no {ProcessIdProperty}; its properties: "
            + string.Join(", ", state.Snapshot.Properties.Select(p => $"{p.Name}={p.Value}")));
        return Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string ProcessIdProperty = "executable.pid";

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
