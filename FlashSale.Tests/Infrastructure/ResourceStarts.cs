using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace FlashSale.Tests.Infrastructure;

public static class ResourceStarts
{
    // Starts a stopped resource through the orchestrator, as the dashboard's Start does, and waits until it is healthy.
    // Right after the command the snapshot may still be the stopped process's (Exited), which the default wait takes
    // for a failed start; this one waits through it, so a resource that never comes up ends in the timeout instead.
    public static async Task StartAndWaitHealthyAsync(this DistributedApplication app, string resource, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, $"{resource} did not start: {result.Message}");
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);
    }
}
