using System.Diagnostics;
using System.Globalization;

namespace FlashSale.AppHost.Storage;

// The programs the local-executables substrate runs, found where Debian installs them; a missing one stops the
// start with the package to install.
public static class LocalPrograms
{
    // Points at a PostgreSQL bin folder (holding postgres and initdb) to use instead of the installed one.
    public const string PostgresBinVariable = "FLASHSALE_PG_BIN";

    private const string DebianPostgresRoot = "/usr/lib/postgresql";
    private static readonly string[] SystemFolders = ["/usr/sbin", "/sbin", "/usr/share/grafana/bin"];

    public static string PostgresBin()
    {
        if (Environment.GetEnvironmentVariable(PostgresBinVariable) is { Length: > 0 } chosen)
        {
            return HoldsPostgres(chosen)
                ? chosen
                : throw new StackException($"{PostgresBinVariable}={chosen} holds no postgres and initdb.");
        }

        var installed = Directory.Exists(DebianPostgresRoot)
            ? Directory.EnumerateDirectories(DebianPostgresRoot)
                .Select(folder => (Version: decimal.TryParse(Path.GetFileName(folder), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(folder, "bin")))
                .Where(candidate => candidate.Version >= 0 && HoldsPostgres(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return installed ?? throw Missing("PostgreSQL (postgres, initdb)", "postgresql");
    }

    public static string Required(string program, string package) => Find(program) ?? throw Missing(program, package);

    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemFolders)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    // Runs a program to its end and returns its exit code and all it wrote (standard output, then standard error).
    public static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + "\n" + error);
    }

    private static bool HoldsPostgres(string folder) =>
        File.Exists(Path.Combine(folder, "postgres")) && File.Exists(Path.Combine(folder, "initdb"));

    private static StackException Missing(string program, string package) =>
        new($"{program} is not installed, and {StackSettings.Section}:Substrate=executables needs it: "
            + $"apt-get install -y {package} (./start.sh installs it), or run where Docker or Podman answers.");
}
