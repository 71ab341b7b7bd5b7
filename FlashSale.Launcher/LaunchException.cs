namespace FlashSale.Launcher;

/// <summary>The stack cannot start for a reason the message explains to the user; printed without a stack trace.</summary>
internal sealed class LaunchException(string message) : Exception(message);

/// <summary>A bad command line; printed with the usage text.</summary>
internal sealed class UsageException(string message) : Exception(message);
