using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlashSale.AppHost;

// The folder the local executables keep their data in, held by one AppHost at a time: an exclusive lock on
// flashsale.lock (released by the kernel when the holder dies), taken before anything starts. A second AppHost
// refuses at once and changes nothing; "start from empty data" (Stack:Clean) empties the folder only while holding it.
public sealed class DataFolder : IHostedService, IDisposable
{
    private static readonly string[] OwnedSubfolders = ["postgres", "redis", "prometheus", "grafana", "alertmanager"];

    private readonly FileStream _lock;

    private DataFolder(string path, FileStream @lock)
    {
        Path = path;
        _lock = @lock;
    }

    public string Path { get; }

    public string Subfolder(string name) => System.IO.Path.Combine(Path, name);

    public static DataFolder Take(IDistributedApplicationBuilder builder, StackSettings stack)
    {
        Directory.CreateDirectory(stack.DataDirectory);
        var lockFile = System.IO.Path.Combine(stack.DataDirectory, "flashsale.lock");
        var ownerFile = System.IO.Path.Combine(stack.DataDirectory, "flashsale.owner");
        FileStream @lock;
        try
        {
            @lock = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = File.Exists(ownerFile) ? File.ReadAllText(ownerFile).Trim() : "another process";
            throw new StackException(
                $"FlashSale is already running on {stack.DataDirectory} ({owner}); nothing was changed. "
                + $"Stop that one first, or give this one another {StackSettings.Section}:DataDirectory.");
        }

        File.WriteAllText(ownerFile, string.Create(CultureInfo.InvariantCulture,
            $"AppHost pid {Environment.ProcessId}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC"));
        var folder = new DataFolder(stack.DataDirectory, @lock);
        if (stack.Clean)
        {
            folder.Empty();
        }

        builder.Services.AddHostedService(_ => folder);
        return folder;
    }

    private void Empty()
    {
        foreach (var name in OwnedSubfolders)
        {
            var subfolder = Subfolder(name);
            if (Directory.Exists(subfolder))
            {
                Directory.Delete(subfolder, recursive: true);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _lock.Dispose();
}
