using System.Diagnostics;

namespace FlashSale.Benchmark.Load;

// The measured phase in windows of `every` (the last one may be shorter), for a soak's flatness checks: at the
// end of each window, each API process's resident memory (--api-pid, in order), and the window's requests,
// errors (5xx and no answer) and p99 over every endpoint.
public sealed class Sampler(LoadRecorder recorder, IReadOnlyList<int> apiPids, TimeSpan every) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private Task _sampling = Task.CompletedTask;
    private long _started;
    private long _requestsBefore;
    private long _errorsBefore;

    public void Start()
    {
        _started = Stopwatch.GetTimestamp();
        recorder.TakeWindow();
        _sampling = RunAsync(_stop.Token);
    }

    // Ends the sampling with a last (partial) window, so that the windows hold every request of the phase.
    public async Task<IReadOnlyList<Sample>> StopAsync()
    {
        if (_started == 0)
        {
            return [];
        }

        await _stop.CancelAsync();
        await _sampling;
        if (_samples.Count == 0 || recorder.Requests != _requestsBefore || Stopwatch.GetElapsedTime(_started).TotalSeconds - _samples[^1].Second >= 0.5)
        {
            Take();
        }

        return _samples;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Take();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Take()
    {
        var window = recorder.TakeWindow();
        var requests = recorder.Requests;
        var errors = recorder.Errors;
        _samples.Add(new Sample(
            Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 1),
            requests - _requestsBefore,
            errors - _errorsBefore,
            window.TotalCount == 0 ? 0 : window.GetValueAtPercentile(99) / 1000.0,
            OperatingSystem.IsLinux() ? apiPids.Select(pid => Math.Round(ProcessWatch.ResidentBytes(pid) / 1024.0 / 1024.0, 1)).ToList() : []));
        _requestsBefore = requests;
        _errorsBefore = errors;
    }
}

// One window of the measured phase, ending `Second` seconds into it.
public sealed record Sample(double Second, long Requests, long Errors, double P99Ms, IReadOnlyList<double> ApiRssMb);
