using System.Diagnostics;

namespace FlashSale.AppHost;

// What runs PostgreSQL, Redis, Prometheus and Grafana: containers where a container runtime answers, else the
// programs installed on this machine.
public enum Substrate
{
    Containers,
    Executables,
}

public static class SubstrateDetection
{
    // `docker info` / `podman info` fail within milliseconds when no daemon runs; a hung one gets a few seconds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public static Substrate Detect(string? runtime) =>
        (runtime is null ? (string[])["docker", "podman"] : [runtime]).Any(Answers) ? Substrate.Containers : Substrate.Executables;

    private static bool Answers(string runtime)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Patience))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
