namespace FlashSale.Launcher;

/// <summary>
/// The folder where the servers keep their data and logs between runs. A marker file says the launcher made it,
/// so that --clean never deletes a folder it did not create (say, a home directory given by mistake).
/// </summary>
internal sealed class DataFolder
{
    private const string DefaultName = ".flashsale";
    private const string MarkerName = ".flashsale-launcher";
    private const string SolutionFile = "FlashSale.sln";

    private DataFolder(string root) => Root = root;

    public string Root { get; }

    public string Postgres => Path.Combine(Root, "postgres");

    public string Redis => Path.Combine(Root, "redis");

    public string PrometheusConfig => Path.Combine(Root, "prometheus", "config");

    public string PrometheusData => Path.Combine(Root, "prometheus", "data");

    public string Grafana => Path.Combine(Root, "grafana");

    public string Logs => Path.Combine(Root, "logs");

    public string Log(string name) => Path.Combine(Logs, $"{name}.log");

    /// <summary>.flashsale in the repository that holds the launcher (else the current directory's repository, else the current directory).</summary>
    public static string DefaultPath()
    {
        var repository = RepositoryAbove(AppContext.BaseDirectory) ?? RepositoryAbove(Environment.CurrentDirectory) ?? Environment.CurrentDirectory;
        return Path.Combine(repository, DefaultName);
    }

    /// <summary>Creates the folder (emptied first when <paramref name="clean"/>), refusing one that holds files of others.</summary>
    public static DataFolder Prepare(string root, bool clean)
    {
        root = Path.GetFullPath(root);
        var holdsOthers = Directory.Exists(root)
            && !File.Exists(Path.Combine(root, MarkerName))
            && Directory.EnumerateFileSystemEntries(root).Any();
        if (holdsOthers)
        {
            throw new LaunchException(
                $"The data folder {root} holds files the launcher did not create (it has no {MarkerName} file): choose a new or empty folder with --data.");
        }

        if (clean && Directory.Exists(root))
        {
            Console.WriteLine($"Deleting {root} (--clean)");
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, MarkerName), "Data and logs of FlashSale's local launcher; its --clean option deletes this folder.\n");
        return new DataFolder(root);
    }

    private static string? RepositoryAbove(string directory)
    {
        for (var current = Path.GetFullPath(directory); current is not null; current = Path.GetDirectoryName(current))
        {
            if (File.Exists(Path.Combine(current, SolutionFile)))
            {
                return current;
            }
        }

        return null;
    }
}
