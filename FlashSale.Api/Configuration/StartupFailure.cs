using Microsoft.Extensions.Options;

namespace FlashSale.Api.Configuration;

// A setting that is missing or bad stops the process with one line on stderr naming it and exit code 1, instead
// of the runtime's stack trace and abort (exit code 134). Any other failure still crashes with its stack trace.
public static class StartupFailure
{
    public const int ExitCode = 1;

    public static void ExplainBadSettings() => AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    {
        if (Describe(e.ExceptionObject as Exception) is { } line)
        {
            Console.Error.WriteLine(line);
            Console.Error.Flush();
            Environment.Exit(ExitCode);
        }
    };

    // The one line for a configuration failure, or null for anything else.
    public static string? Describe(Exception? exception) => exception switch
    {
        OptionsValidationException validation => "Bad setting: " + string.Join("; ", validation.Failures),
        SettingException setting => "Bad setting: " + setting.Message,

        // The configuration binder's "Failed to convert configuration value at 'FlashSale:X' to type ...".
        InvalidOperationException { InnerException: FormatException or OverflowException or ArgumentException } binding
            when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            "Bad setting: " + binding.Message,
        AggregateException { InnerExceptions: [var single] } => Describe(single),
        _ => null,
    };
}

// A required setting that is missing or malformed.
public sealed class SettingException(string message) : Exception(message);
