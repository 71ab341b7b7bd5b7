namespace FlashSale.AppHost;

// A reason the stack cannot start, said in one line: a bad setting, a missing program, a data folder in use.
public sealed class StackException(string message) : Exception(message);
