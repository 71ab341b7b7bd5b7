using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace FlashSale.Api.Storage;

// A Lua script shipped in the assembly, called by its SHA1 (EVALSHA); RedisCommands sends its text when Redis
// does not know it (a Redis restarted empty).
public sealed record RedisScript(string Name, string Body)
{
    [SuppressMessage("Security", "CA5350", Justification = "Redis names a script by its SHA1; nothing is secured by it")]
    public byte[] Sha1 { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(Body));

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
