extern alias AppHost;

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace FlashSale.Tests.Aspire;

// The app model each substrate builds, checked without starting anything: the containers one needs Docker or Podman
// to run, which this machine does not have, so its shape is what can be proven here.
public sealed class AppModelTests : IDisposable
{
    private static readonly string[] SharedNames = ["postgres", "flashsale", "redis", "api-1", "api-2", "api", "prometheus", "alertmanager", "alert-receiver",
        "postgres-exporter", "redis-exporter"];

    private readonly string _data = Path.Combine(Path.GetTempPath(), $"flashsale-model-{Guid.NewGuid():N}");

    [Fact]
    public async Task ContainersRunPinnedImagesWithVolumesMountsReferencesWaitsAndHealthChecks()
    {
        await using var builder = await ModelAsync("containers");
        var resources = builder.Resources.ToDictionary(resource => resource.Name);

        Assert.Equal(("library/postgres", "15.14"), Image(resources["postgres"]));
        Assert.Equal(("library/redis", "7.4.5"), Image(resources["redis"]));
        Assert.Equal(("prom/prometheus", "v3.5.0"), Image(resources["prometheus"]));
        Assert.Equal(("grafana/grafana", "12.1.1"), Image(resources["grafana"]));
        Assert.Equal(("prom/alertmanager", "v0.28.1"), Image(resources["alertmanager"]));
        Assert.Equal(("prometheuscommunity/postgres-exporter", "v0.18.1"), Image(resources["postgres-exporter"]));
        Assert.Equal(("oliver006/redis_exporter", "v1.80.1"), Image(resources["redis-exporter"]));

        Assert.Contains(Mounts(resources["postgres"]), m => m.Type == ContainerMountType.Volume && m.Target == "/var/lib/postgresql/data");
        Assert.Contains(Mounts(resources["redis"]), m => m.Type == ContainerMountType.Volume && m.Target == "/data");
        Assert.Contains(Mounts(resources["alertmanager"]), m => m.Type == ContainerMountType.Volume && m.Target == "/alertmanager");
        foreach (var name in (string[])["prometheus", "grafana", "alertmanager"])
        {
            var binds = Mounts(resources[name]).Where(m => m.Type == ContainerMountType.BindMount).ToList();
            Assert.NotEmpty(binds);
            Assert.All(binds, bind => Assert.True(File.Exists(bind.Source) || Directory.Exists(bind.Source), $"{name} mounts {bind.Source}, which does not exist"));
            Assert.All(binds, bind => Assert.True(bind.IsReadOnly, $"{name} mounts {bind.Source} writable"));
            Assert.True(resources[name].TryGetAnnotationsOfType<HealthCheckAnnotation>(out _), $"{name} has no health check");
        }

        var database = Assert.IsType<PostgresDatabaseResource>(resources["flashsale"]);
        Assert.Same(resources["postgres"], database.Parent);
        Assert.Contains(resources["grafana"].Annotations.OfType<WaitAnnotation>(), wait => wait.Resource.Name == "prometheus");
    }

    [Theory]
    [InlineData("containers")]
    [InlineData("executables")]
    public async Task BothSubstratesHaveTheSameNamesReferencesAndWaits(string substrate)
    {
        await using var builder = await ModelAsync(substrate);
        var resources = builder.Resources.ToDictionary(resource => resource.Name);

        Assert.All(SharedNames, name => Assert.True(resources.ContainsKey(name), $"{substrate} has no resource {name}"));
        Assert.IsAssignableFrom<IResourceWithConnectionString>(resources["flashsale"]);
        Assert.IsAssignableFrom<IResourceWithConnectionString>(resources["redis"]);
        foreach (var replica in (string[])["api-1", "api-2"])
        {
            var waits = resources[replica].Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource.Name).ToList();
            Assert.Contains("flashsale", waits);
            Assert.Contains("redis", waits);
            var references = resources[replica].Annotations.OfType<ResourceRelationshipAnnotation>()
                .Where(relation => relation.Type == "Reference").Select(relation => relation.Resource.Name).ToList();
            Assert.Contains("flashsale", references);
            Assert.Contains("redis", references);
            Assert.True(resources[replica].TryGetAnnotationsOfType<HealthCheckAnnotation>(out _), $"{replica} has no health check");
            // The gateway reaches a replica on its own port, which refuses connections once it stops (the proxy would accept them).
            var endpoint = Assert.Single(resources[replica].Annotations.OfType<EndpointAnnotation>());
            Assert.False(endpoint.IsProxied, $"{replica} is reached through the orchestrator's proxy");
            Assert.NotNull(endpoint.Port);
        }

        var gatewayWaits = resources["api"].Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource.Name).Order();
        Assert.Equal(["api-1", "api-2"], gatewayWaits);
    }

    // On this machine every request's PostgreSQL and Redis traffic goes straight to the servers' own ports: through
    // the orchestrator's proxy it cost the orchestrator about 2 s of CPU per 10,000-item rush (docs/benchmarks-notes.md).
    [Fact]
    public async Task LocalServersAreReachedOnTheirOwnPorts()
    {
        await using var builder = await ModelAsync("executables");

        foreach (var server in (string[])["postgres", "redis"])
        {
            var endpoint = Assert.Single(builder.Resources.Single(resource => resource.Name == server).Annotations.OfType<EndpointAnnotation>());
            Assert.False(endpoint.IsProxied, $"{server} is reached through the orchestrator's proxy");
            Assert.NotNull(endpoint.Port);
        }
    }

    // Replicas run the solution's build (`dotnet FlashSale.Api.dll`), or a published executable when given one (e.g.
    // compiled with Native AOT), from that executable's own folder; the gateway stays the solution's build.
    [Fact]
    public async Task ReplicasRunAPublishedApiWhenGivenOne()
    {
        await using (var built = await ModelAsync("executables"))
        {
            var replica = Assert.IsType<ExecutableResource>(built.Resources.Single(resource => resource.Name == "api-1"));
            Assert.Equal("dotnet", replica.Command);
            Assert.EndsWith("FlashSale.Api.dll", Assert.Single(await ArgumentsAsync(replica)), StringComparison.Ordinal);
        }

        var published = Path.Combine(_data, "published", "FlashSale.Api");
        Directory.CreateDirectory(Path.GetDirectoryName(published)!);
        await File.WriteAllTextAsync(published, "");
        await using var builder = await ModelAsync("executables", [$"--Stack:ApiExecutable={published}", $"--Stack:DataDirectory={Path.Combine(_data, "published-run")}"]);
        foreach (var name in (string[])["api-1", "api-2"])
        {
            var replica = Assert.IsType<ExecutableResource>(builder.Resources.Single(resource => resource.Name == name));
            Assert.Equal(published, replica.Command);
            Assert.Equal(Path.GetDirectoryName(published), replica.WorkingDirectory);
            Assert.Empty(await ArgumentsAsync(replica));
        }

        Assert.Equal("dotnet", Assert.IsType<ExecutableResource>(builder.Resources.Single(resource => resource.Name == "api")).Command);
    }

    // Each exporter waits for its server, reaches it through its environment (the password too, where the server
    // has one: never on a command line), serves on a port of this run, and is health-checked.
    [Theory]
    [InlineData("containers")]
    [InlineData("executables")]
    public async Task BothSubstratesRunEachExporterAgainstItsServerWithThePasswordInItsEnvironment(string substrate)
    {
        await using var builder = await ModelAsync(substrate);
        var resources = builder.Resources.ToDictionary(resource => resource.Name);
        var withPasswords = substrate == "containers";

        foreach (var (exporter, server, variables, password) in new[]
        {
            ("postgres-exporter", "flashsale", (string[])["DATA_SOURCE_URI", "DATA_SOURCE_USER"], "DATA_SOURCE_PASS"),
            ("redis-exporter", "redis", ["REDIS_ADDR", "REDIS_EXPORTER_INCL_SYSTEM_METRICS"], "REDIS_PASSWORD"),
        })
        {
            var resource = resources[exporter];
            Assert.Contains(server, resource.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource.Name));
            Assert.True(resource.TryGetAnnotationsOfType<HealthCheckAnnotation>(out _), $"{exporter} has no health check");
            var endpoint = Assert.Single(resource.Annotations.OfType<EndpointAnnotation>());
            Assert.Equal("http", endpoint.Name);
            Assert.Null(endpoint.Port);

            var environment = await EnvironmentAsync(resource);
            Assert.All(variables, variable => Assert.True(environment.ContainsKey(variable), $"{exporter} has no {variable}"));
            Assert.Equal(withPasswords, environment.ContainsKey(password));
            if (withPasswords)
            {
                Assert.IsType<ParameterResource>(environment[password]);
            }

            var arguments = await ArgumentsAsync(resource);
            Assert.All(arguments, argument => Assert.StartsWith("--web.listen-address=localhost:", argument, StringComparison.Ordinal));
            Assert.Equal(substrate == "executables" ? 1 : 0, arguments.Count);
        }
    }

    // Rate limiting is on for every replica, per client behind the gateway on this machine; the AppHost's own
    // FlashSale:RateLimit settings win (e.g. 0 to load-test from one address).
    [Theory]
    [InlineData(null, "500")]
    [InlineData("0", "0")]
    public async Task ReplicasAreRateLimitedUnlessTheAppHostSaysOtherwise(string? perClient, string expected)
    {
        await using var builder = await ModelAsync("executables", perClient is null ? [] : [$"--FlashSale:RateLimit:PerClient={perClient}"]);

        foreach (var name in (string[])["api-1", "api-2"])
        {
            var environment = await PlainEnvironmentAsync(builder.Resources.Single(resource => resource.Name == name));
            Assert.Equal(expected, environment["FlashSale__RateLimit__PerClient"]);
            Assert.Equal("20", environment["FlashSale__RateLimit__PerUser"]);
            Assert.Equal("127.0.0.1", environment["FlashSale__RateLimit__TrustedProxies__0"]);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<IDistributedApplicationTestingBuilder> ModelAsync(string substrate, string[]? settings = null) =>
        DistributedApplicationTestingBuilder.CreateAsync<AppHost::Projects.FlashSale_AppHost>(
            [$"--Stack:Substrate={substrate}", $"--Stack:DataDirectory={Path.Combine(_data, substrate)}", "--Stack:Replicas=2", .. settings ?? []]);

    // The environment variables a resource is given as plain strings, read from its callbacks without starting
    // anything (resolving references would wait for endpoints that are never allocated here).
    private static async Task<Dictionary<string, string>> PlainEnvironmentAsync(IResource resource) =>
        (await EnvironmentAsync(resource)).Where(pair => pair.Value is string).ToDictionary(pair => pair.Key, pair => (string)pair.Value);

    // Every environment variable a resource is given, its value unresolved (a string, a parameter, an expression).
    private static async Task<Dictionary<string, object>> EnvironmentAsync(IResource resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), cancellationToken: timeout.Token);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).WaitAsync(timeout.Token);
        }

        return new Dictionary<string, object>(context.EnvironmentVariables);
    }

    // A resource's command-line arguments, each as written: a string, or an expression's text with its references unresolved.
    private static async Task<List<string>> ArgumentsAsync(IResource resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        List<object> arguments = [];
        var context = new CommandLineArgsCallbackContext(arguments, resource, timeout.Token);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context).WaitAsync(timeout.Token);
        }

        return [.. arguments.Select(argument => argument is ReferenceExpression expression ? expression.ValueExpression : argument.ToString() ?? "")];
    }

    private static (string Image, string? Tag) Image(IResource resource)
    {
        var image = resource.Annotations.OfType<ContainerImageAnnotation>().Last();
        return (image.Image, image.Tag);
    }

    private static IEnumerable<ContainerMountAnnotation> Mounts(IResource resource) => resource.Annotations.OfType<ContainerMountAnnotation>();
}
