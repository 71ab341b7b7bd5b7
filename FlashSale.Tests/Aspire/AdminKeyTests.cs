extern alias AppHost;

using Microsoft.Extensions.Configuration;
using AdminKey = AppHost::FlashSale.AppHost.Api.AdminKey;

namespace FlashSale.Tests.Aspire;

// The admin key is made at the first start on a data folder and kept in it, so every later start gives the
// replicas the same one; a key given in the settings wins. (That the kept key opens the running stack's admin API
// is ReadmeWalkThroughTests': the README reads it from the data folder and creates a sale with it.)
public sealed class AdminKeyTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("flashsale-admin-key-").FullName;

    [Fact]
    public void TheKeyMadeAtTheFirstStartIsKeptForEveryNextOneAndReadableOnlyByItsOwner()
    {
        var none = new ConfigurationBuilder().Build();

        var first = AdminKey.Resolve(none, _data);
        var second = AdminKey.Resolve(none, _data);

        Assert.Matches("^[0-9a-f]{32}$", first.Value);
        Assert.Equal(first.Value, second.Value);
        var file = Path.Combine(_data, AdminKey.FileName);
        Assert.Equal(first.Value, File.ReadAllText(file).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.Contains(file, second.Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyGivenInTheSettingsWinsAndNothingIsWritten()
    {
        var given = new ConfigurationBuilder().AddInMemoryCollection([new("Parameters:admin-api-key", "given-key-0123456789abcdef")]).Build();

        Assert.Equal("given-key-0123456789abcdef", AdminKey.Resolve(given, _data).Value);
        Assert.False(File.Exists(Path.Combine(_data, AdminKey.FileName)));
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
