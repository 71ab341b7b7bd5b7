using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlashSale.Tests.Infrastructure;

// Puts a switch between an API replica and the real Redis: while a fault is set, every asynchronous database
// command throws it instead of reaching Redis, as a dying connection does (for example the unwrapped
// Pipelines.Sockets.Unofficial.ConnectionResetException of a reset socket). Everything else goes through.
// It also counts the keys the replica's commands name, so a test can tell whether Redis was asked about one.
public sealed class FaultyRedis
{
    private readonly ConcurrentDictionary<string, int> _keysNamed = new();
    private volatile Func<Exception>? _fault;

    public void Fail(Func<Exception> fault) => _fault = fault;

    public void Heal() => _fault = null;

    // How many commands named the key, faulty ones included.
    public int TimesNamed(RedisKey key) => _keysNamed.GetValueOrDefault(key.ToString());

    private void Count(object?[]? args)
    {
        foreach (var arg in args ?? [])
        {
            foreach (var key in arg switch { RedisKey one => [one], RedisKey[] many => many, _ => [] })
            {
                _keysNamed.AddOrUpdate(key.ToString(), 1, (_, times) => times + 1);
            }
        }
    }

    // Replaces the replica's IConnectionMultiplexer with one that goes through this switch.
    public void Install(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IConnectionMultiplexer) && !d.IsKeyedService);
        services.Remove(registered);
        services.AddSingleton(sp =>
        {
            var real = (IConnectionMultiplexer)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!));
            return Wrap(real, (method, result) =>
                method.Name == nameof(IConnectionMultiplexer.GetDatabase) ? Wrap((IDatabase)result!, null, this) : result);
        });
    }

    private static T Wrap<T>(T target, Func<MethodInfo, object?, object?>? map, FaultyRedis? faults = null) where T : class
    {
        var proxy = DispatchProxy.Create<T, Proxy<T>>();
        var self = (Proxy<T>)(object)proxy;
        (self.Target, self.Map, self.Faults) = (target, map, faults);
        return proxy;
    }

    public class Proxy<T> : DispatchProxy where T : class
    {
        internal T Target { get; set; } = null!;

        internal Func<MethodInfo, object?, object?>? Map { get; set; }

        internal FaultyRedis? Faults { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (Faults is not null && targetMethod!.Name.EndsWith("Async", StringComparison.Ordinal))
            {
                Faults.Count(args);
                if (Faults._fault is { } fault)
                {
                    throw fault();
                }
            }

            try
            {
                var result = targetMethod!.Invoke(Target, args);
                return Map is null ? result : Map(targetMethod, result);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
                throw;
            }
        }
    }
}
