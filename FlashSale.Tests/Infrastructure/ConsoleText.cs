using System.Text;

namespace FlashSale.Tests.Infrastructure;

// What a process the tests started writes to one of its streams, collected line by line as it arrives.
public sealed class ConsoleText
{
    private readonly StringBuilder _text = new();

    public void Append(string? line)
    {
        if (line is not null)
        {
            lock (_text)
            {
                _text.AppendLine(line);
            }
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
