using System.Net;
using System.Net.Http.Headers;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Aspire;

// What the terminal of ./start.sh shows, read from the AppHost's own console.
public sealed class AppHostConsoleTests
{
    // A setting every replica would refuse stops the AppHost before it starts anything, in one line naming it.
    [Theory]
    [InlineData("--FlashSale:ItemsPerSale=-5", "FlashSale:ItemsPerSale", "-5")]
    [InlineData("--FlashSale:CheckoutHold=soon", "FlashSale:CheckoutHold", "soon")]
    [InlineData("--Stack:ApiExecutable=/nonexistent/FlashSale.Api", "Stack:ApiExecutable", "/nonexistent/FlashSale.Api")]
    public async Task ABadReplicaSettingStopsTheStartInOneLineNamingIt(string setting, string name, string value)
    {
        await using var appHost = AppHostProcess.Start(setting);

        var exitCode = await appHost.ExitCodeAsync();
        if (exitCode is null)
        {
            await appHost.InterruptAsync();
            await appHost.ExitCodeAsync();
        }

        Assert.True(exitCode is not null and not 0, $"The AppHost {(exitCode is null ? "did not stop by itself" : "exited with 0")}:\n{appHost.Console}");
        var line = Assert.Single(AppHostProcess.Lines(appHost.Error));
        Assert.Contains(name, line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
        AssertNoStackTrace(appHost.Console);
        await appHost.WaitUntilNothingIsLeftAsync();
    }

    // Ctrl-C while the stack is still starting is acknowledged at once and stops it all without a stack trace.
    [Fact]
    public async Task CtrlCDuringTheStartStopsEverythingWithoutAStackTrace()
    {
        await using var appHost = AppHostProcess.Start();
        await appHost.LineAsync(line => line.Contains("Login to the dashboard", StringComparison.Ordinal));

        await appHost.InterruptAsync();

        Assert.True(await appHost.ExitCodeAsync() is not null, $"The AppHost did not stop after Ctrl-C:\n{appHost.Console}");
        Assert.Contains("Stopping FlashSale", appHost.Output, StringComparison.Ordinal);
        AssertNoStackTrace(appHost.Console);
        await appHost.WaitUntilNothingIsLeftAsync();
    }

    // After the ready report the console stays quiet while the dashboard reads the AppHost's resource service (as
    // each page a browser opens does), and a replica killed is named once, in the state the dashboard shows.
    [Fact]
    public async Task AfterReadyTheConsoleSaysOnlyThatAKilledReplicaExitedNotEachDashboardRequest()
    {
        await using var appHost = AppHostProcess.Start("--Stack:Replicas=2", "--FlashSale:AutoStart=false");
        await appHost.ReportedAsync("admin API key");

        for (var i = 0; i < 5; i++)
        {
            await CallResourceServiceAsDashboardAsync(appHost);
        }

        await Signals.SendAsync(appHost.ProcessIdWith("FlashSale__ReplicaName=api-1"), "KILL");
        await appHost.LineAsync(line => line.Contains("api-1", StringComparison.Ordinal) && line.Contains("Exited", StringComparison.Ordinal));

        var afterReport = AppHostProcess.Lines(appHost.Output).SkipWhile(line => !line.Contains("admin API key", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.DoesNotContain(afterReport, line => line.Contains("DashboardService", StringComparison.Ordinal) || line.Contains("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Single(afterReport, line => line.Contains("api-1", StringComparison.Ordinal));
    }

    // What the dashboard does for each page a browser opens: a gRPC call to the AppHost with its key.
    private static async Task CallResourceServiceAsDashboardAsync(AppHostProcess appHost)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(appHost.ResourceService, "/aspire.v1.DashboardService/GetApplicationInformation"))
        {
            Content = new ByteArrayContent(new byte[5]), // an empty gRPC message: no compression, length 0
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.Add("x-resource-service-api-key", appHost.ResourceServiceKey);
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));

        using var reply = await http.SendAsync(request);
        await reply.Content.ReadAsByteArrayAsync();

        Assert.True(reply.StatusCode == HttpStatusCode.OK, $"{appHost.ResourceService} answered {reply.StatusCode}: {reply.Headers}");
        Assert.Equal("0", reply.TrailingHeaders.GetValues("grpc-status").Single());
    }

    private static void AssertNoStackTrace(string console) =>
        Assert.DoesNotContain(AppHostProcess.Lines(console), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal));
}
