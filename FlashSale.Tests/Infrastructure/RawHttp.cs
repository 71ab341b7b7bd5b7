using System.Net.Sockets;
using System.Text;

namespace FlashSale.Tests.Infrastructure;

// Sends a request byte for byte, as no HTTP client would (a 3 MiB URL, hundreds of headers, a chunked body), and
// reads the answer until the server closes the connection.
public static class RawHttp
{
    public static async Task<RawAnswer> SendAsync(Uri server, string head, byte[]? body = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            if (body is not null)
            {
                await stream.WriteAsync(body);
            }
        }
        catch (IOException)
        {
            // The server may answer and close before it has read all of a request it refuses.
        }

        using var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer);
        }
        catch (IOException)
        {
        }

        return RawAnswer.Parse(answer.ToArray());
    }
}

public sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static RawAnswer Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, "No HTTP answer: " + text);
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawAnswer(status, headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
