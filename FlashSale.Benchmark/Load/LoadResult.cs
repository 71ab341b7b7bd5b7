using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.Benchmark.Audit;

namespace FlashSale.Benchmark.Load;

// One run's report, printed as tables and written as JSON (the benchmark's report command reads it back).
public sealed record LoadResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public required string Label { get; init; }

    public required Scenario Scenario { get; init; }

    public required IReadOnlyList<string> Targets { get; init; }

    public required int Shoppers { get; init; }

    public required int Connections { get; init; }

    public required int Seed { get; init; }

    public long? SaleId { get; init; }

    public int TotalItems { get; init; }

    public long Sold { get; init; }

    public required double ElapsedSeconds { get; init; }

    public double? SoldOutAfterSeconds { get; init; }

    public required long Requests { get; init; }

    public required double RequestsPerSecond { get; init; }

    public required IReadOnlyList<EndpointSummary> Endpoints { get; init; }

    public required IReadOnlyList<TimelineSecond> Timeline { get; init; }

    public ResourceUse? Resources { get; init; }

    // The paced rate (checkouts/s), if any.
    public double? Rate { get; init; }

    public IReadOnlyList<Sample> Samples { get; init; } = [];

    public AuditResult? Audit { get; init; }

    public bool Failed => Audit is { Passed: false };

    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, Json, cancellationToken);
    }

    public static async Task<LoadResult> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<LoadResult>(file, Json, cancellationToken)
            ?? throw new InvalidDataException($"{path} holds no report");
    }
}
