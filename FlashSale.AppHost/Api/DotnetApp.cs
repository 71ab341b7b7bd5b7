using System.Reflection;

namespace FlashSale.AppHost.Api;

// Runs a .NET project of this solution from its build output (`dotnet X.dll`), not through `dotnet run` as Aspire
// runs projects: `dotnet run` neither handles nor forwards SIGINT, which is how the orchestrator stops a process, so
// each app ran on until it was killed after a timeout (Ctrl-C took 15 s); `dotnet X.dll` is the app itself and stops
// gracefully at once. It gets what Aspire gives a project: its URL, OTLP settings and service name.
// A proxied endpoint (the default) is reached through the orchestrator's proxy; an endpoint that is not proxied is the
// app's own port, which must then be given. Given an executable (the project published, e.g. ahead of time), that runs
// instead, from its own folder.
public static class DotnetApp
{
    // The AppHost's own build configuration: the projects it references were built with it.
    private static readonly string Configuration =
        typeof(DotnetApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    // And its target framework: this assembly's own folder is bin/<configuration>/<framework>/.
    private static readonly string TargetFramework = new DirectoryInfo(AppContext.BaseDirectory).Name;

    public static IResourceBuilder<ExecutableResource> AddDotnetApp<TProject>(this IDistributedApplicationBuilder builder, string name, int? port = null,
        bool proxied = true, string? executable = null)
        where TProject : IProjectMetadata, new()
    {
        var app = executable is null ? builder.AddBuiltProject<TProject>(name) : builder.AddExecutable(name, executable, Path.GetDirectoryName(executable)!);
        app = app.WithHttpEndpoint(port: port, name: "http", isProxied: proxied)
            .WithOtlpExporter();
        var endpoint = app.GetEndpoint("http");
        return app.WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"http://localhost:{endpoint.Property(EndpointProperty.TargetPort)}"));
    }

    private static IResourceBuilder<ExecutableResource> AddBuiltProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var project = new TProject().ProjectPath;
        var projectDirectory = Path.GetDirectoryName(project)!;
        var assembly = Path.Combine(projectDirectory, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(project) + ".dll");
        if (!File.Exists(assembly))
        {
            throw new StackException($"{assembly} is missing: build the solution first (dotnet build FlashSale.sln -c {Configuration}).");
        }

        return builder.AddExecutable(name, "dotnet", projectDirectory, assembly);
    }
}
