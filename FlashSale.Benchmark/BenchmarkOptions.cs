using System.Globalization;

namespace FlashSale.Benchmark;

public sealed record BenchmarkOptions(Uri Url, string? AdminKey, int Items, int Shoppers, TimeSpan Duration)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        return new BenchmarkOptions(
            new Uri(Value("--url", "http://127.0.0.1:8080")),
            Value("--admin-key", Environment.GetEnvironmentVariable("FlashSale__AdminApiKey") ?? "") is { Length: > 0 } key ? key : null,
            int.Parse(Value("--items", "10000"), CultureInfo.InvariantCulture),
            int.Parse(Value("--shoppers", "64"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Value("--seconds", "20"), CultureInfo.InvariantCulture)));
    }
}
