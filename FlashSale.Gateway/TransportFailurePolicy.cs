using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace FlashSale.Gateway;

// Passive health: a replica that fails a request at the transport level (no connection, a broken exchange, no answer
// within the timeout) leaves the rotation at once, for the cluster's reactivation period. YARP's TransportFailureRate
// waits for a failure rate over at least ten requests, during which a stopped replica keeps getting traffic.
public sealed class TransportFailurePolicy(IDestinationHealthUpdater health) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "TransportFailure";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        // A client that went away says nothing about the replica.
        if (context.RequestAborted.IsCancellationRequested
            || context.Features.Get<IForwarderErrorFeature>()?.Error is not (ForwarderError.Request or ForwarderError.RequestTimedOut
                or ForwarderError.RequestBodyDestination or ForwarderError.ResponseBodyDestination))
        {
            return;
        }

        var reactivation = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? ReplicaProxy.ReactivationPeriod;
        health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, reactivation);
    }
}
