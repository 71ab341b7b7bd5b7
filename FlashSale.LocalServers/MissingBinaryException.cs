namespace FlashSale.LocalServers;

/// <summary>A server binary is not installed; the message names the package that provides it.</summary>
public sealed class MissingBinaryException : Exception
{
    public MissingBinaryException()
    {
    }

    public MissingBinaryException(string message)
        : base(message)
    {
    }

    public MissingBinaryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MissingBinaryException(string binary, string whereLooked, string installCommand)
        : base($"{binary} was not found ({whereLooked}). Install it: {installCommand}")
    {
        Binary = binary;
        InstallCommand = installCommand;
    }

    public string? Binary { get; }

    public string? InstallCommand { get; }
}
