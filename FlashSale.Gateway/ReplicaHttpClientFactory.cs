using Yarp.ReverseProxy.Forwarder;

namespace FlashSale.Gateway;

// The replicas run on this machine or next to it: a connection that is not made within a second is not coming, and the
// request can go to another replica (UnreachedReplicaRetry) instead of waiting for SocketsHttpHandler's default.
public sealed class ReplicaHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = ConnectTimeout;
    }
}
