using System.Net;
using System.Text.Json;

namespace FlashSale.LocalServers;

internal static class HttpProbe
{
    // No proxy: an HTTP_PROXY in the environment must not intercept 127.0.0.1.
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });

    public static async Task<bool> AnswersOkAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await Client.GetAsync(url, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public static async Task<JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        await using var body = await Client.GetStreamAsync(url, cancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
    }
}
