namespace FlashSale.Benchmark;

public sealed record BenchmarkReport(TimeSpan Elapsed, double[] CheckoutMs, double[] PurchaseMs, Dictionary<string, int> Failures)
{
    public void Print(TextWriter output)
    {
        output.WriteLine($"elapsed            {Elapsed.TotalSeconds:0.0} s");
        Line(output, "checkout", CheckoutMs);
        Line(output, "purchase", PurchaseMs);
        output.WriteLine($"checkout+purchase  {PurchaseMs.Length / Elapsed.TotalSeconds:0} pairs/s");
        foreach (var (code, count) in Failures.OrderByDescending(f => f.Value))
        {
            output.WriteLine($"refused            {code}: {count}");
        }
    }

    private void Line(TextWriter output, string name, double[] latencies)
    {
        Array.Sort(latencies);
        double At(double quantile) => latencies.Length == 0 ? 0 : latencies[(int)Math.Min(latencies.Length - 1, quantile * latencies.Length)];
        output.WriteLine($"{name,-18} {latencies.Length / Elapsed.TotalSeconds:0} req/s  p50 {At(0.5):0.0} ms  p95 {At(0.95):0.0} ms  p99 {At(0.99):0.0} ms  ({latencies.Length} requests)");
    }
}
