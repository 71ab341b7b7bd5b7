using System.Globalization;
using System.Text.RegularExpressions;

namespace FlashSale.Tests.Infrastructure;

// Reads the Prometheus text exposition format served on /metrics.
public sealed partial class PrometheusText
{
    private readonly Dictionary<string, string> _types = [];
    private readonly List<Sample> _samples = [];

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                parsed._types[parts[2]] = parts[3];
            }
            else if (!line.StartsWith('#'))
            {
                var match = SampleLine().Match(line);
                if (match.Success)
                {
                    var labels = LabelPair().Matches(match.Groups["labels"].Value)
                        .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
                    parsed._samples.Add(new Sample(match.Groups["name"].Value, labels,
                        double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture)));
                }
            }
        }

        return parsed;
    }

    public string? TypeOf(string family) => _types.GetValueOrDefault(family);

    public IEnumerable<Sample> SamplesOf(string name) => _samples.Where(s => s.Name == name);

    // The label names of a family, without the exporter's own (otel_scope_*) and the histogram's le.
    public IReadOnlySet<string> LabelNamesOf(string family)
    {
        var name = TypeOf(family) == "histogram" ? family + "_count" : family;
        return SamplesOf(name).SelectMany(s => s.Labels.Keys)
            .Where(label => !label.StartsWith("otel_scope", StringComparison.Ordinal) && label != "le")
            .ToHashSet();
    }

    public double Sum(string name, params (string Label, string Value)[] where) =>
        SamplesOf(name).Where(s => where.All(w => s.Labels.GetValueOrDefault(w.Label) == w.Value)).Sum(s => s.Value);

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\.|[^"\\])*)"""")]
    private static partial Regex LabelPair();
}
