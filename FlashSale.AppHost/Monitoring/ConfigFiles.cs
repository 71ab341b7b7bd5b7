namespace FlashSale.AppHost.Monitoring;

// Files a server reads while it runs (Prometheus watches its file_sd files) are replaced whole, never seen half-written.
public static class ConfigFiles
{
    public static async Task WriteAsync(string file, string text, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file + ".new", text, cancellationToken);
        File.Move(file + ".new", file, overwrite: true);
    }
}
