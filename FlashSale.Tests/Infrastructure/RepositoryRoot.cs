namespace FlashSale.Tests.Infrastructure;

// The folder of the repository the tests run from (the one holding FlashSale.sln), and paths inside it.
public static class RepositoryRoot
{
    public static string FullPath { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([FullPath, .. parts]);

    // Where a project of the solution was built to with this test run's configuration and target framework
    // (this assembly's own folder is bin/<configuration>/<framework>/).
    public static string BuildOutputOf(string project)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        return PathOf(project, "bin", output.Parent!.Name, output.Name);
    }

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FlashSale.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FlashSale.sln not found above " + AppContext.BaseDirectory);
    }
}
