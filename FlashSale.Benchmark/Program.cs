using FlashSale.Benchmark;

// Drives a running FlashSale with concurrent shoppers (checkout, then purchase of what they hold) and prints
// throughput and latency. Example: dotnet run --project FlashSale.Benchmark -c Release -- --url http://127.0.0.1:8080 --admin-key KEY
var options = BenchmarkOptions.Parse(args);
var report = await new ShopperLoad(options).RunAsync();
report.Print(Console.Out);
return report.Failures.Keys.Any(code => code is "dependency_unavailable" or "http_500") ? 1 : 0;
