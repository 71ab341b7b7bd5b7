using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace FlashSale.Tests.Scenarios;

// Records every answer a test's HTTP client gets: method, path, status and, for a problem, its code, so a
// test can hold what it saw against what the OpenAPI document declares. A handler serves one client; the
// clients of one test share the queue.
public sealed class ObservingHandler(ConcurrentQueue<ObservedAnswer> answers) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var problem = await response.Content.ReadFromJsonAsync<ProblemDto>(FlashSaleClient.Json, cancellationToken);
            code = problem?.Code;
        }

        answers.Enqueue(new ObservedAnswer(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, code));
        return response;
    }
}

public sealed record ObservedAnswer(string Method, string Path, int Status, string? Code);
