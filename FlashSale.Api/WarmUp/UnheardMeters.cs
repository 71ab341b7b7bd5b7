using System.Diagnostics.Metrics;

namespace FlashSale.Api.WarmUp;

// Meters named "WarmUp.*": telemetry subscribes to "FlashSale.*" only, so what the warm-up counts reaches no one.
internal sealed class UnheardMeters : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter($"WarmUp.{options.Name}", options.Version);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose() => _meters.ForEach(meter => meter.Dispose());
}
