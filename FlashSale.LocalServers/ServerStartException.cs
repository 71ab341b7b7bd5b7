namespace FlashSale.LocalServers;

/// <summary>A server exited or did not become ready in time; the message ends with its last output lines.</summary>
public sealed class ServerStartException : Exception
{
    public ServerStartException()
    {
    }

    public ServerStartException(string message)
        : base(message)
    {
    }

    public ServerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The server exited while starting (e.g. its port was taken), so another port may succeed.</summary>
    internal bool ServerExited { get; init; }
}
