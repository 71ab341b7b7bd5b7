namespace FlashSale.AppHost;

// Lines the AppHost says once the stack is up, e.g. what it could not start and why.
public sealed class StackNotes
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    public void Add(string line) => _lines.Add(line);
}
