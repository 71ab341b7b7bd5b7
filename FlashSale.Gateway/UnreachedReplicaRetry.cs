using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace FlashSale.Gateway;

// YARP forwards a request once. A request whose replica could not be reached (no connection was made, so not one byte
// of it was sent) goes again to another replica in rotation, each replica tried at most once; any other failure is
// answered as it is, since the replica may have acted on the request (a checkout held, a purchase stored).
public static partial class UnreachedReplicaRetry
{
    public static IReverseProxyApplicationBuilder UseUnreachedReplicaRetry(this IReverseProxyApplicationBuilder proxy)
    {
        var logger = proxy.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnreachedReplicaRetry));
        proxy.Use((context, next) => ForwardAsync(context, next, logger));
        return proxy;
    }

    private static async Task ForwardAsync(HttpContext context, Func<Task> next, ILogger logger)
    {
        var proxy = context.GetReverseProxyFeature();
        List<DestinationState> tried = [];
        while (true)
        {
            await next();
            if (context.Features.Get<IForwarderErrorFeature>() is not { } failure || !NeverReached(failure) || context.Response.HasStarted
                || proxy.ProxiedDestination is not { } unreached)
            {
                return;
            }

            tried.Add(unreached);
            // The cluster's list may still hold the replica just found unreachable: passive health updates it in the background.
            var other = context.GetRouteModel().Cluster!.DestinationsState.AvailableDestinations.FirstOrDefault(d => !tried.Contains(d));
            if (other is null)
            {
                return;
            }

            LogRetrying(logger, context.Request.Method, context.Request.Path, unreached.DestinationId, other.DestinationId, failure.Exception?.Message);
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = [other];
            proxy.ProxiedDestination = null;
        }
    }

    // Refused or unreachable (HttpRequestError.ConnectionError), or no connection within the connect timeout (an
    // OperationCanceledException over a TimeoutException; the activity timeout of a sent request has no TimeoutException).
    private static bool NeverReached(IForwarderErrorFeature failure) => failure switch
    {
        { Error: ForwarderError.Request, Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } } => true,
        { Error: ForwarderError.RequestTimedOut, Exception: OperationCanceledException { InnerException: TimeoutException } } => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} did not reach replica {Unreached} ({Reason}); forwarding it to {Other}")]
    private static partial void LogRetrying(ILogger logger, string method, PathString path, string unreached, string other, string? reason);
}
