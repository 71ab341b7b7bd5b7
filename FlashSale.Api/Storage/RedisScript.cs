using System.Reflection;

namespace FlashSale.Api.Storage;

// A Lua script shipped in the assembly. StackExchange.Redis sends it once and then calls it by SHA
// (EVALSHA), loading it again by itself if Redis restarted and forgot it.
public sealed record RedisScript(string Name, string Body)
{
    public static readonly RedisScript CheckoutHold = Load("checkout_hold");
    public static readonly RedisScript ReleaseHold = Load("release_hold");
    public static readonly RedisScript PurchaseCommitted = Load("purchase_committed");
    public static readonly RedisScript RebuildSale = Load("rebuild_sale");
    public static readonly RedisScript ReleaseLock = new("lock_release", """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """);

    private static RedisScript Load(string name)
    {
        var resource = $"FlashSale.Api.Storage.Scripts.{name}.lua";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded Redis script {resource} is missing");
        using var reader = new StreamReader(stream);
        return new RedisScript(name, reader.ReadToEnd());
    }
}
