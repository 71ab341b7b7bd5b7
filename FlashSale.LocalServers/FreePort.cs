using System.Net;
using System.Net.Sockets;

namespace FlashSale.LocalServers;

/// <summary>Finds a TCP port on 127.0.0.1 that nothing listens on right now.</summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// Binds 127.0.0.1:0, reads the port the kernel chose and releases it. Never returns the same port twice
    /// in one process. Another process may still take the port before the server binds it: a small race.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            var port = BindAndRelease();
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    private static int BindAndRelease()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
