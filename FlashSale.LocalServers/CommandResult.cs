namespace FlashSale.LocalServers;

internal sealed record CommandResult(int ExitCode, string OutputTail)
{
    public bool Succeeded => ExitCode == 0;
}
