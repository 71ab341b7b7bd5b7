using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FlashSale.Tests.Contract;

// Whoever an alert reaches learns from it how bad it is, what is wrong and where its runbook is: every alert rule
// carries a severity, a summary, a description and a runbook_url to a section of docs/runbooks.md that exists.
public sealed partial class AlertRunbookTests
{
    private const string Runbooks = "docs/runbooks.md";

    [Fact]
    public void EveryAlertHasASeveritySummaryDescriptionAndARunbookSectionThatExists()
    {
        var anchors = Anchors(File.ReadAllText(RepositoryRoot.PathOf("docs", "runbooks.md")));
        var alerts = AlertRules().ToList();
        Assert.NotEmpty(alerts);

        List<string> missing = [];
        foreach (var (name, labels, annotations) in alerts)
        {
            if (labels.GetValueOrDefault("severity") is not ("critical" or "warning"))
            {
                missing.Add($"{name}: severity label is '{labels.GetValueOrDefault("severity")}', not critical or warning");
            }

            missing.AddRange(((string[])["summary", "description", "runbook_url"])
                .Where(key => string.IsNullOrWhiteSpace(annotations.GetValueOrDefault(key)))
                .Select(key => $"{name}: no {key} annotation"));
            if (annotations.GetValueOrDefault("runbook_url") is { Length: > 0 } url)
            {
                var (file, anchor) = url.Split('#', 2) is [var f, var a] ? (f, a) : (url, "");
                if (file != Runbooks || !anchors.Contains(anchor))
                {
                    missing.Add($"{name}: runbook_url {url} names no section of {Runbooks}");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    // The runbooks' links to one another land on sections that exist.
    [Fact]
    public void EveryLinkWithinTheRunbooksLandsOnASection()
    {
        var text = File.ReadAllText(RepositoryRoot.PathOf("docs", "runbooks.md"));
        var anchors = Anchors(text);

        var broken = InPageLinks().Matches(text).Select(link => link.Groups[1].Value).Where(anchor => !anchors.Contains(anchor)).ToList();

        Assert.True(broken.Count == 0, "links to no section: " + string.Join(", ", broken));
    }

    private static IEnumerable<(string Name, Dictionary<string, string> Labels, Dictionary<string, string> Annotations)> AlertRules()
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryRoot.PathOf("prometheus", "rules"), "*.yml").Where(file => !file.EndsWith(".test.yml", StringComparison.Ordinal)))
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(file))
            {
                yaml.Load(reader);
            }

            var root = (YamlMappingNode)yaml.Documents[0].RootNode;
            foreach (var group in ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>())
            {
                foreach (var rule in ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
                {
                    if (rule.Children.TryGetValue("alert", out var alert))
                    {
                        yield return (alert.ToString(), Strings(rule, "labels"), Strings(rule, "annotations"));
                    }
                }
            }
        }
    }

    private static Dictionary<string, string> Strings(YamlMappingNode rule, string key) =>
        rule.Children.TryGetValue(key, out var node) && node is YamlMappingNode map
            ? map.Children.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value.ToString())
            : [];

    // GitHub's heading anchors: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens,
    // a repeated anchor numbered -1, -2...
    private static HashSet<string> Anchors(string markdown)
    {
        HashSet<string> anchors = [];
        foreach (Match heading in Headings().Matches(markdown))
        {
            var anchor = Punctuation().Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var unique = anchor;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{anchor}-{n}";
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*#*\s*$", RegexOptions.Multiline)]
    private static partial Regex Headings();

    [GeneratedRegex(@"[^\p{L}\p{M}\p{N}\p{Pc} -]")]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"\]\(#([^)]+)\)")]
    private static partial Regex InPageLinks();
}
