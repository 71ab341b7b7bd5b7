using System.Diagnostics;
using FlashSale.LocalServers;

namespace FlashSale.Launcher;

/// <summary>Parses the command line, starts the stack, reports it ready, and stops it on Ctrl-C or SIGTERM.</summary>
internal static class Launcher
{
    public static async Task<int> RunAsync(string[] args)
    {
        LauncherOptions options;
        try
        {
            options = LauncherOptions.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{e.Message}\n\n{LauncherOptions.Usage}");
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(LauncherOptions.Usage);
            return 0;
        }

        using var shutdown = new ShutdownSignal();
        try
        {
            return await StartAndWatchAsync(options, shutdown);
        }
        catch (Exception) when (shutdown.IsRequested)
        {
            Console.WriteLine("Stopped before FlashSale was ready.");
            return 0;
        }
        catch (Exception e) when (e is MissingBinaryException or ServerStartException or LaunchException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"FlashSale could not start: {e}");
            return 1;
        }
    }

    private static async Task<int> StartAndWatchAsync(LauncherOptions options, ShutdownSignal shutdown)
    {
        var clock = Stopwatch.StartNew();
        CheckPrerequisites();
        var data = DataFolder.Prepare(options.DataDirectory, options.Clean);
        Console.WriteLine($"Data folder: {data.Root}");
        await using var stack = new LocalStack(options, data);
        await stack.StartAsync(shutdown.Token);
        ReadyReport.Print(stack, clock.Elapsed);
        return await stack.WatchAsync(shutdown.Token);
    }

    // Every missing piece at once, each naming what to install or build.
    private static void CheckPrerequisites()
    {
        List<string> problems = [];
        foreach (var find in (Func<string>[])[Binaries.Postgres, Binaries.RedisServer, Binaries.Prometheus])
        {
            try
            {
                find();
            }
            catch (MissingBinaryException e)
            {
                problems.Add(e.Message);
            }
        }

        var api = Path.Combine(ApiReplica.ApiDirectory, ApiReplica.ApiAssembly);
        if (!File.Exists(api))
        {
            problems.Add($"{api} is missing: the build copies the API there (dotnet build FlashSale.Launcher).");
        }

        if (problems.Count > 0)
        {
            throw new LaunchException(string.Join('\n', problems));
        }
    }
}
