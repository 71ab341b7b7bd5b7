using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace FlashSale.AppHost.Api;

// The admin API key every replica gets (FlashSale:AdminApiKey) and the ready report prints: the one given as
// Parameters:admin-api-key or FlashSale:AdminApiKey, else the one kept in the data folder's file admin-api-key,
// made at the first start. Kept there rather than in the AppHost's user secrets: the folder exists on a fresh
// clone, belongs to one stack (a test or benchmark stack on a folder of its own gets a key of its own, and
// --clean leaves it), and the key is read with cat.
public sealed record AdminKey(string Value, string Origin)
{
    public const string FileName = "admin-api-key";

    public static string? Given(IConfiguration configuration) =>
        new[] { configuration["Parameters:admin-api-key"], configuration["FlashSale:AdminApiKey"] }
            .FirstOrDefault(key => !string.IsNullOrWhiteSpace(key));

    public static AdminKey Resolve(IConfiguration configuration, string dataDirectory)
    {
        if (Given(configuration) is { } given)
        {
            return new AdminKey(given, "given in the settings");
        }

        var file = Path.Combine(dataDirectory, FileName);
        return new AdminKey(Kept(file), $"kept in {file}");
    }

    private static string Kept(string file)
    {
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } kept)
        {
            return kept;
        }

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // a secret: its owner's only
        }

        using var stream = new FileStream(file, options);
        using var writer = new StreamWriter(stream);
        writer.WriteLine(key);
        return key;
    }
}
