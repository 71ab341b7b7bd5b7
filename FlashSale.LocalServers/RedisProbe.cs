using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlashSale.LocalServers;

/// <summary>
/// PING and INFO over raw RESP: ready once PING answers PONG (Redis answers -LOADING while it reads its files) and
/// INFO names our process, so that another Redis already on the port is not taken for ours.
/// </summary>
internal static class RedisProbe
{
    private static readonly byte[] PingThenInfoServer = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"u8.ToArray();

    public static async Task<bool> AnswersAsync(int port, int processId, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(PingThenInfoServer, cancellationToken);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        if (await reader.ReadLineAsync(cancellationToken) != "+PONG")
        {
            return false;
        }

        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("process_id:", StringComparison.Ordinal))
            {
                return line == $"process_id:{processId}"
                    ? true
                    : throw new InvalidOperationException($"another Redis ({line}) answers on port {port}");
            }
        }

        return false;
    }
}
