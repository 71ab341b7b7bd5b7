namespace FlashSale.LocalServers;

/// <summary>Creates a cluster with initdb when the data directory has none, so a reused directory keeps its data.</summary>
internal static class PostgresCluster
{
    public static async Task EnsureInitializedAsync(string dataDirectory, string? logFile, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await PostgresOsUser.PrepareDirectoryAsync(dataDirectory, cancellationToken);
            return;
        }

        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new ServerStartException(
                $"{dataDirectory} is neither empty nor a PostgreSQL cluster (it has no PG_VERSION): empty it or choose another data directory.");
        }

        Directory.CreateDirectory(dataDirectory);
        await PostgresOsUser.PrepareDirectoryAsync(dataDirectory, cancellationToken);
        var locale = await UsableLocaleAsync(cancellationToken);
        string[] arguments =
            ["-D", dataDirectory, "--auth=trust", "--username=postgres", "--encoding=UTF8", $"--locale={locale}", "--no-sync", "--no-instructions"];

        // SIGINT makes initdb remove what it wrote, so a cancelled run does not leave half a cluster behind.
        var initdb = await ChildProcess.RunAsync(
            PostgresOsUser.RunAsPostgresIfRoot(
                new ChildProcessStart("initdb", Binaries.InitDb(), arguments) { LogFile = logFile, StopSignal = UnixSignal.Interrupt }),
            cancellationToken);
        if (!initdb.Succeeded)
        {
            throw new ServerStartException($"initdb failed with exit code {initdb.ExitCode} for {dataDirectory}:\n{initdb.OutputTail}");
        }
    }

    /// <summary>C.UTF-8 when the system has it (glibc 2.35+ always does), else plain C.</summary>
    private static async Task<string> UsableLocaleAsync(CancellationToken cancellationToken)
    {
        const string Utf8Locale = "C.UTF-8";
        try
        {
            var charmap = await ChildProcess.RunAsync(
                new ChildProcessStart("locale", "locale", ["charmap"]) { Environment = new Dictionary<string, string> { ["LC_ALL"] = Utf8Locale } },
                cancellationToken);
            return charmap.Succeeded && charmap.OutputTail.Trim() == "UTF-8" ? Utf8Locale : "C";
        }
        catch (ServerStartException)
        {
            return "C"; // no locale command
        }
    }
}
