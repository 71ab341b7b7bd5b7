using System.Diagnostics;
using FlashSale.Benchmark.Load;

namespace FlashSale.Benchmark.Scenarios;

// What a scenario works with: the targets, the client, its sale, and the measured phase it opens itself (after
// any preparation), which ends after the options' duration, when the stock sells out, or on cancellation.
public sealed class ScenarioContext(LoadOptions options, IReadOnlyList<LoadTarget> targets, ShopClient shop, SaleInfo? sale, CancellationToken cancellation)
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
    private long _measureStarted;
    private long _soldOutTicks = -1;

    public LoadOptions Options { get; } = options;

    public IReadOnlyList<LoadTarget> Targets { get; } = targets;

    public ShopClient Shop { get; } = shop;

    public SaleInfo? Sale { get; } = sale;

    public SaleInfo RequiredSale => Sale ?? throw new InvalidOperationException("This scenario needs a sale");

    public CancellationToken Cancellation { get; } = cancellation;

    public event Action? MeasuringStarted;

    public bool IsMeasuring => _measureStarted != 0;

    public TimeSpan? SoldOutAfter => _soldOutTicks < 0 ? null : Stopwatch.GetElapsedTime(_measureStarted, _soldOutTicks);

    public TimeSpan Elapsed => _measureStarted == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_measureStarted);

    public LoadTarget TargetOf(int worker) => Targets[worker % Targets.Count];

    // Opens the measured phase; the token it returns ends it.
    public CancellationToken BeginMeasuring()
    {
        _measureStarted = Stopwatch.GetTimestamp();
        Shop.Recorder.StartMeasuring();
        MeasuringStarted?.Invoke();
        _stop.CancelAfter(Options.Duration);
        return _stop.Token;
    }

    // Called after each sale: ends the phase once every item is sold.
    public void CheckSoldOut()
    {
        if (Sale is not null && Shop.Recorder.Sold >= Sale.TotalItems && Interlocked.CompareExchange(ref _soldOutTicks, Stopwatch.GetTimestamp(), -1) == -1)
        {
            _stop.Cancel();
        }
    }

    public static string ItemId(SaleInfo sale, int index) => $"{sale.Id}-{index:D6}";

    // Waits without throwing when the phase ends.
    public static async Task PauseAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Runs `count` workers until each returns or the phase ends.
    public static Task RunWorkersAsync(int count, Func<int, CancellationToken, Task> worker, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            try
            {
                await worker(index, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }));
}
