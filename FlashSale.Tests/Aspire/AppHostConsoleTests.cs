namespace FlashSale.Tests.Aspire;

// What the terminal of ./start.sh shows, read from the AppHost's own console.
public sealed class AppHostConsoleTests
{
    // A setting every replica would refuse stops the AppHost before it starts anything, in one line naming it.
    [Theory]
    [InlineData("--FlashSale:ItemsPerSale=-5", "FlashSale:ItemsPerSale", "-5")]
    [InlineData("--FlashSale:CheckoutHold=soon", "FlashSale:CheckoutHold", "soon")]
    public async Task ABadReplicaSettingStopsTheStartInOneLineNamingIt(string setting, string name, string value)
    {
        await using var appHost = AppHostProcess.Start(setting);

        var exitCode = await appHost.ExitCodeAsync(AppHostProcess.Patience);
        if (exitCode is null)
        {
            await appHost.InterruptAsync();
            await appHost.ExitCodeAsync(AppHostProcess.Patience);
        }

        Assert.True(exitCode is not null and not 0, $"The AppHost {(exitCode is null ? "did not stop by itself" : "exited with 0")}:\n{appHost.Console}");
        var line = Assert.Single(AppHostProcess.Lines(appHost.Error));
        Assert.Contains(name, line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
        AssertNoStackTrace(appHost.Console);
        Assert.Empty(await appHost.ProcessesLeftAsync());
    }

    // Ctrl-C while the stack is still starting stops it all without a stack trace.
    [Fact]
    public async Task CtrlCDuringTheStartStopsEverythingWithoutAStackTrace()
    {
        await using var appHost = AppHostProcess.Start();
        await appHost.LineAsync(line => line.Contains("Login to the dashboard", StringComparison.Ordinal));

        await appHost.InterruptAsync();

        Assert.NotNull(await appHost.ExitCodeAsync(AppHostProcess.Patience));
        AssertNoStackTrace(appHost.Console);
        Assert.Empty(await appHost.ProcessesLeftAsync());
    }

    private static void AssertNoStackTrace(string console) =>
        Assert.DoesNotContain(AppHostProcess.Lines(console), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal));
}
