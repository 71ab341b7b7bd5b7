using System.Diagnostics;

namespace FlashSale.LocalServers;

/// <summary>
/// How to tell that a freshly started server serves, e.g. "answered PING on 127.0.0.1:6379". Where it can, the probe
/// also checks that the server answering is this child, not another one already on the port.
/// </summary>
internal sealed record ReadinessProbe(string Description, Func<ChildProcess, CancellationToken, Task<bool>> IsReady)
{
    public TimeSpan Timeout { get; init; } = ServerTimeouts.Startup;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Polls until the probe succeeds; fails fast when the child exits, and after <see cref="Timeout"/>.</summary>
    public async Task WaitAsync(ChildProcess child, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastProblem = "none yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (child.HasExited)
            {
                throw new ServerStartException(
                    $"{child.Name} exited with code {child.ExitCode} before it {Description}.\n{await child.DescribeOutputAsync()}")
                {
                    ServerExited = true,
                };
            }

            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attempt.CancelAfter(AttemptTimeout);
                try
                {
                    if (await IsReady(child, attempt.Token))
                    {
                        return;
                    }

                    lastProblem = "not ready";
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    lastProblem = e.Message;
                }
            }

            if (Stopwatch.GetElapsedTime(started) > Timeout)
            {
                throw new ServerStartException(
                    $"{child.Name} did not report ready within {Timeout.TotalSeconds:0} s: it never {Description} "
                    + $"(last attempt: {lastProblem}).\n{await child.DescribeOutputAsync()}");
            }

            await Task.WhenAny(Task.Delay(PollInterval, cancellationToken), child.Exited);
        }
    }
}
