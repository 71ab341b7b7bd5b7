using System.Net;
using System.Net.Sockets;

namespace FlashSale.AppHost;

// Ports for the processes the stack reaches on their own port rather than through the orchestrator's proxy: a
// proxy hop costs a copy of every byte in the orchestrator (PostgreSQL's and Redis's traffic is every request's),
// and it accepts connections for a stopped process and never answers them, where the process's own port refuses
// them at once. The port is chosen once per start, so a process started again keeps it.
public static class LocalPorts
{
    private static readonly HashSet<int> Taken = [];

    // A free port below the ephemeral range (32768 and up on Linux, 49152 and up elsewhere), from which the kernel picks
    // ports for outgoing connections and for listeners on port 0: the process binds its port only once what it waits
    // for is ready, and again at each restart, and the port must still be free then. Taken keeps two AppHosts of one
    // process (the tests) apart.
    public static int Free(string owner)
    {
        lock (Taken)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var port = Random.Shared.Next(20_000, 32_768);
                if (Taken.Contains(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    Taken.Add(port);
                    return port;
                }
                catch (SocketException)
                {
                }
            }
        }

        throw new StackException($"No free local port between 20000 and 32767 for {owner}.");
    }
}
