namespace FlashSale.LocalServers;

/// <summary>What to run, where its output goes and how it is asked to stop.</summary>
internal sealed record ChildProcessStart(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Appended with the child's stdout and stderr; null keeps only the last lines in memory, for error messages.</summary>
    public string? LogFile { get; init; }

    public string WorkingDirectory { get; init; } = "/";

    public UnixSignal StopSignal { get; init; } = UnixSignal.Terminate;

    public string CommandLine => string.Join(' ', Arguments.Prepend(FileName).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : $"'{argument}'";
}
