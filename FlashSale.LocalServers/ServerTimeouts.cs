namespace FlashSale.LocalServers;

internal static class ServerTimeouts
{
    /// <summary>How long a server may take to answer its readiness probe.</summary>
    public static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    /// <summary>How long a server may take to stop after its shutdown signal before it is SIGKILLed.</summary>
    public static readonly TimeSpan Stop = TimeSpan.FromSeconds(15);

    /// <summary>The whole budget for graceful stops when the host process exits with servers still running.</summary>
    public static readonly TimeSpan StopOnProcessExit = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a child's last output lines after it exited.</summary>
    public static readonly TimeSpan OutputDrain = TimeSpan.FromSeconds(2);
}
