using System.Diagnostics.Metrics;
using FlashSale.Api.Problems;

namespace FlashSale.Api.Sales;

// sale_items_total and sale_items_sold of the running sale, read from PostgreSQL every few seconds through
// SaleFigures (never from a local counter), so every replica reports the same figures.
public sealed partial class SaleStockMetrics : BackgroundService
{
    public const string MeterName = "FlashSale.Sales";
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    private readonly CurrentSale _currentSale;
    private readonly SaleFigures _figures;
    private readonly TimeProvider _time;
    private readonly ILogger<SaleStockMetrics> _logger;
    private volatile Snapshot _snapshot = new(0, 0);

    public SaleStockMetrics(IMeterFactory meterFactory, CurrentSale currentSale, SaleFigures figures, TimeProvider time, ILogger<SaleStockMetrics> logger)
    {
        _currentSale = currentSale;
        _figures = figures;
        _time = time;
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("sale_items_total", () => _snapshot.Total, description: "Total number of items in sale");
        meter.CreateObservableGauge("sale_items_sold", () => _snapshot.Sold, description: "Number of items sold in sale");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshPeriod);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (DependencyFailureHandler.IsDependencyFailure(exception))
            {
                LogRefreshFailed(_logger, exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var sale = await _currentSale.GetAsync(now, cancellationToken);
        if (sale is null)
        {
            _snapshot = new Snapshot(0, 0);
            return;
        }

        var (sold, _) = await _figures.GetAsync(sale, now, cancellationToken);
        _snapshot = new Snapshot(sale.TotalItems, sold);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not refresh the sale stock gauges: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

    private sealed record Snapshot(int Total, int Sold);
}
