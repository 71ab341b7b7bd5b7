using System.Net;
using System.Net.Sockets;

namespace FlashSale.LocalServers;

/// <summary>
/// Chooses the port a server starts on. A requested port must be free. Port 0 picks a free one, and picks another
/// when the server exits while starting: between <see cref="FreePort.Next"/> and the server's bind, another
/// process (e.g. a test run in parallel) may have taken it.
/// </summary>
internal static class ServerPort
{
    private const int AttemptsOnPickedPorts = 3;

    public static async Task<T> StartOnAsync<T>(int requestedPort, string serverName, Func<int, Task<T>> startOnPort)
    {
        if (requestedPort != 0)
        {
            EnsureFree(requestedPort, serverName);
            return await startOnPort(requestedPort);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await startOnPort(FreePort.Next());
            }
            catch (ServerStartException e) when (e.ServerExited && attempt < AttemptsOnPickedPorts)
            {
                // Most likely the port was taken in between: try another.
            }
        }
    }

    /// <summary>Fails clearly when something listens on 127.0.0.1:<paramref name="port"/> (or on all addresses).</summary>
    public static void EnsureFree(int port, string serverName)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        // Lets the bind through connections left in TIME_WAIT by a server just stopped; a listener still blocks it.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new ServerStartException($"Cannot start {serverName} on 127.0.0.1:{port}: another process listens on that port.", e);
        }
    }
}
