using System.Diagnostics;
using System.Globalization;

namespace FlashSale.LocalServers;

/// <summary>
/// Finds the locally installed server binaries. Each method returns a full path or throws a
/// <see cref="MissingBinaryException"/> that names the package to install.
/// </summary>
public static class Binaries
{
    /// <summary>Points at a PostgreSQL bin directory (holding postgres and initdb) to use instead of the installed one.</summary>
    public const string PostgresBinVariable = "FLASHSALE_PG_BIN";

    private const string DebianPostgresRoot = "/usr/lib/postgresql";
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/sbin"];

    public static string Postgres() => Path.Combine(PostgresBinDirectory(), "postgres");

    public static string InitDb() => Path.Combine(PostgresBinDirectory(), "initdb");

    public static string RedisServer() =>
        FindOnPath("redis-server", SystemDirectories)
        ?? throw new MissingBinaryException("redis-server", "looked on PATH and in /usr/sbin", "sudo apt-get install -y redis-server");

    public static string Prometheus() =>
        FindOnPath("prometheus", SystemDirectories)
        ?? throw new MissingBinaryException("prometheus", "looked on PATH and in /usr/sbin", "sudo apt-get install -y prometheus");

    public static string GrafanaServer() =>
        TryFindGrafanaServer()
        ?? throw new MissingBinaryException(
            "grafana-server",
            "looked on PATH, in /usr/sbin and /usr/share/grafana/bin",
            "sudo apt-get install -y grafana (from Grafana's own APT repository; Debian does not package it)");

    public static string? TryFindGrafanaServer() =>
        FindOnPath("grafana-server", [.. SystemDirectories, "/usr/share/grafana/bin"]);

    /// <summary>setpriv (util-linux), to run PostgreSQL as the postgres OS user when this process is root.</summary>
    internal static string SetPriv() =>
        FindOnPath("setpriv", SystemDirectories)
        ?? throw new MissingBinaryException("setpriv", "looked on PATH and in /usr/sbin", "sudo apt-get install -y util-linux");

    /// <summary>
    /// The directory holding postgres and initdb: $FLASHSALE_PG_BIN when set, else the highest version under
    /// /usr/lib/postgresql/*/bin (Debian's layout), else what <c>pg_config --bindir</c> prints.
    /// </summary>
    public static string PostgresBinDirectory()
    {
        var fromVariable = Environment.GetEnvironmentVariable(PostgresBinVariable);
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            return HoldsPostgresServer(fromVariable)
                ? fromVariable
                : throw new MissingBinaryException(
                    "postgres and initdb", $"{PostgresBinVariable}={fromVariable} holds neither", "point it at a PostgreSQL bin directory");
        }

        return HighestDebianVersion()
            ?? FromPgConfig()
            ?? throw new MissingBinaryException(
                "PostgreSQL (postgres, initdb)",
                $"looked in ${PostgresBinVariable}, {DebianPostgresRoot}/*/bin and pg_config --bindir",
                "sudo apt-get install -y postgresql");
    }

    private static string? HighestDebianVersion()
    {
        if (!Directory.Exists(DebianPostgresRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(DebianPostgresRoot)
            .Select(versionDirectory => (
                Version: decimal.TryParse(Path.GetFileName(versionDirectory), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1,
                Bin: Path.Combine(versionDirectory, "bin")))
            .Where(candidate => candidate.Version >= 0 && HoldsPostgresServer(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static string? FromPgConfig()
    {
        var pgConfig = FindOnPath("pg_config", []);
        if (pgConfig is null)
        {
            return null;
        }

        var startInfo = new ProcessStartInfo(pgConfig, "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(startInfo);
        if (process is null)
        {
            return null;
        }

        var bin = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 && HoldsPostgresServer(bin) ? bin : null;
    }

    private static bool HoldsPostgresServer(string directory) =>
        File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "initdb"));

    private static string? FindOnPath(string name, IEnumerable<string> extraDirectories) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
