using System.Diagnostics;

namespace FlashSale.AppHost.Storage;

// initdb and postgres refuse to run as root. When the AppHost is root they run as the postgres OS user through
// setpriv, which execs, so the orchestrator watches the program itself; their data folder is handed to that user.
public static class PostgresOsUser
{
    private const string UserName = "postgres";

    // The command to start and the arguments that come before the program's own.
    public static (string Command, string[] Prefix) Command(string program) =>
        Environment.IsPrivilegedProcess
            ? (LocalPrograms.Required("setpriv", "util-linux"), [$"--reuid={UserName}", $"--regid={UserName}", "--init-groups", "--", program])
            : (program, []);

    public static void PrepareFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        if (!Environment.IsPrivilegedProcess || OperatingSystem.IsWindows())
        {
            return;
        }

        Run("chown", "-R", $"{UserName}:{UserName}", folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var ancestor in Ancestors(folder))
        {
            if (!File.GetUnixFileMode(ancestor).HasFlag(UnixFileMode.OtherExecute))
            {
                throw new StackException(
                    $"the {UserName} OS user cannot reach {folder}: it may not enter {ancestor}. Allow it (chmod o+x {ancestor}) "
                    + $"or choose another {StackSettings.Section}:DataDirectory, e.g. under /var/tmp.");
            }
        }
    }

    private static IEnumerable<string> Ancestors(string folder)
    {
        for (var current = Path.GetDirectoryName(folder); current is not null; current = Path.GetDirectoryName(current))
        {
            yield return current;
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new StackException($"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.");
        }
    }
}
