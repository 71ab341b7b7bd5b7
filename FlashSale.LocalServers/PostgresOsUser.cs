namespace FlashSale.LocalServers;

/// <summary>
/// initdb and postgres refuse to run as root. When this process is root they run as the "postgres" OS user through
/// setpriv, which execs (so the child's pid is the postmaster's pid), and their directories are handed to that user.
/// Otherwise they run as the current user and none of this applies.
/// </summary>
internal static class PostgresOsUser
{
    private const string UserName = "postgres";

    public static bool IsNeeded => Environment.IsPrivilegedProcess;

    public static ChildProcessStart RunAsPostgresIfRoot(ChildProcessStart start) =>
        IsNeeded
            ? start with
            {
                FileName = Binaries.SetPriv(),
                Arguments = [$"--reuid={UserName}", $"--regid={UserName}", "--init-groups", "--", start.FileName, .. start.Arguments],
            }
            : start;

    /// <summary>When root: chowns <paramref name="directory"/> to postgres and checks that postgres can reach it.</summary>
    public static async Task PrepareDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        if (!IsNeeded)
        {
            return;
        }

        var chown = await ChildProcess.RunAsync(
            new ChildProcessStart("chown", "chown", ["-R", $"{UserName}:{UserName}", directory]), cancellationToken);
        if (!chown.Succeeded)
        {
            throw new ServerStartException($"Could not give {directory} to the {UserName} OS user:\n{chown.OutputTail}");
        }

        await EnsureReachableAsync(directory, cancellationToken);
    }

    // Every directory above the data directory must be enterable (x) by postgres; e.g. /root is not by default.
    private static async Task EnsureReachableAsync(string directory, CancellationToken cancellationToken)
    {
        const string PrintFirstUnenterable = """for d in "$@"; do [ -x "$d" ] || { echo "$d"; exit 1; }; done""";
        var check = await ChildProcess.RunAsync(
            RunAsPostgresIfRoot(new ChildProcessStart("sh", "sh", ["-c", PrintFirstUnenterable, "sh", .. SelfAndAncestors(directory)])),
            cancellationToken);
        if (check.Succeeded)
        {
            return;
        }

        var blocked = check.OutputTail.Trim();
        throw new ServerStartException(
            $"The {UserName} OS user cannot reach {directory}: it may not enter {blocked}. This process runs as root, so "
            + $"PostgreSQL runs as {UserName} and needs every directory above its data directory to be enterable. "
            + $"Allow it (chmod o+x {blocked}) or choose a data directory elsewhere, e.g. under /tmp or /var/tmp.");
    }

    // Outermost first, so the message names the first directory that blocks.
    private static List<string> SelfAndAncestors(string directory)
    {
        var directories = new List<string>();
        for (var current = directory; current is not null; current = Path.GetDirectoryName(current))
        {
            directories.Insert(0, current);
        }

        return directories;
    }
}
