using System.Globalization;
using System.Text;
using CsCheck;
using FlashSale.Api.Sales;

namespace FlashSale.Tests.PropertyBased;

// Generators of requests the HTTP contract refuses, over every endpoint. Values come raw (already as they stand
// in a URL: percent-escapes, valid or not, stay as they are) so that the API sees exactly what a client may send.
// None of them may buy, hold or create anything: item ids never name an item of the running sale (its items are
// 0 to ItemsOnSale-1), codes are never ones a checkout returned, and every admin body is refused before storage.
public static class BadInputs
{
    public const int ItemsOnSale = 3;

    // Over-long values, built once: generating a megabyte per case would cost more than sending it.
    private static readonly string[] LongValues =
        [new string('a', 65), new string('1', 1000), new string('a', 8 * 1024), new string('%', 8 * 1024 + 1), new string('b', 100_000), new string('c', 1024 * 1024)];

    private static readonly string[] Injections =
    [
        "' OR '1'='1", "alice'; DROP TABLE purchases;--", "1 UNION SELECT code FROM checkout_attempts", "\") OR 1=1 --",
        "$$; delete from items; $$", "1;select pg_sleep(10)", "%27%20OR%201%3D1%20--",
        "\")) redis.call('FLUSHALL') --", "]] .. redis.call('DEL', KEYS[1]) .. [[", "KEYS *", "%0d%0aFLUSHALL%0d%0a",
        "{flashsale}:sold", "*", "?", "..%2F..%2Fetc%2Fpasswd", "<script>alert(1)</script>", "${jndi:ldap://x/a}",
    ];

    private static readonly string[] InvalidEscapes = ["%FF", "%C3%28", "%E2%82", "%ED%A0%80", "%F8%88%80%80%80", "%", "%G1", "%%", "%0", "%00", "%C0%AF", "%EF%BF%BE"];

    private static readonly string[] Numbers =
        ["0", "-1", "1", "42", "99999999999999999999", "9223372036854775808", "1e10", "NaN", "Infinity", "0x10", "1.5", "+7", "%2042", "007", "-0", "1,2", "١٢٣"];

    private static readonly string[] Wordy = ["alice", "bob@example.com", "a+b", "a%2Bb", "a%20b", "%C3%A5lice", "%D0%90%D0%BB%D0%B8%D1%81%D0%B0", "%F0%9F%98%80", "null", "undefined", "true", "[]", "{}", "available", "sold", "all", "ALL"];

    // Raw text of control characters, percent-encoded or not (a raw one reaches the app only through the test server:
    // Kestrel refuses it in the request line itself).
    private static readonly Gen<string> Controls = Gen.Char['\0', '\u001f'].Array[1, 4].Select(chars =>
        string.Concat(chars.Select(c => c % 2 == 0 ? $"%{(int)c:X2}" : c.ToString())));

    private static readonly Gen<string> Unicode = Gen.Char['\u00a0', '\uffef'].Where(c => !char.IsSurrogate(c)).Array[1, 8]
        .Select(chars => Uri.EscapeDataString(new string(chars)));

    // Any value a parameter may be given, raw.
    public static readonly Gen<string> Junk = Gen.Frequency(
        (3, Gen.OneOf(Injections)),
        (3, Gen.OneOf(InvalidEscapes)),
        (3, Gen.OneOf(Numbers)),
        (3, Gen.OneOf(Wordy)),
        (2, Controls),
        (2, Unicode),
        (1, Gen.OneOf(LongValues)),
        (2, Gen.Const("")),
        (3, Gen.String[Gen.Char['!', '~'], 0, 80].Select(Uri.EscapeDataString)));

    public static Gen<string> UserId => Gen.Frequency((2, Gen.OneOf("alice", "bob.smith", "u-1_2@x:y", "12345")), (5, Junk));

    // Item ids shaped right but naming no item on sale, and junk.
    public static Gen<string> ItemId(long saleId) => Gen.Frequency(
        (2, Gen.Int[ItemsOnSale, 999_999].Select(index => $"{saleId}-{index:D6}")),
        (1, Gen.Int[0, 999_999].Select(index => $"{saleId + 1 + (index % 1000)}-{index:D6}")),
        (1, Gen.OneOf($"{saleId}-00000", $"{saleId}-0000001", $"{saleId}_000001", $"-{saleId}-000001", $"{saleId}-00000a", "0-000001", $"{saleId}-000001-1")),
        (5, Junk));

    public static readonly Gen<string> Code = Gen.Frequency(
        (2, Gen.Int.Array[4].Select(parts => string.Concat(parts.Select(p => p.ToString("x8", CultureInfo.InvariantCulture))))),
        (1, Gen.Int.Array[4].Select(parts => string.Concat(parts.Select(p => p.ToString("X8", CultureInfo.InvariantCulture)))[..31])),
        (5, Junk));

    // One parameter as it may stand in a query: missing, bare, empty, repeated, or given.
    private static Gen<string> Parameter(string name, Gen<string> value) => Gen.Frequency(
        (1, Gen.Const("")),
        (1, Gen.Const(name)),
        (1, Gen.Const(name + "=")),
        (1, value.Array[2, 3].Select(values => string.Join('&', values.Select(v => $"{name}={v}")))),
        (6, value.Select(v => $"{name}={v}")));

    private static Gen<string> Query(params Gen<string>[] parameters) =>
        Gen.Select(parameters.Aggregate(Gen.Const(Array.Empty<string>()), (all, next) => Gen.Select(all, next, (a, b) => (string[])[.. a, b])),
            Gen.Frequency((5, Gen.Const("")), (1, Junk.Select(j => $"x{j}={j}"))),
            (parts, extra) =>
            {
                var query = string.Join('&', parts.Append(extra).Where(p => p.Length > 0));
                return query.Length == 0 ? "" : "?" + query;
            });

    private static readonly IReadOnlyList<KeyValuePair<string, string>> NoHeaders = [];

    // A few odd headers, sometimes too many or too large.
    private static readonly Gen<IReadOnlyList<KeyValuePair<string, string>>> Headers = Gen.Frequency(
        (20, Gen.Const(NoHeaders)),
        (2, Gen.OneOf(Injections.Concat(Numbers).ToArray()).Select(value => (IReadOnlyList<KeyValuePair<string, string>>)[new("X-Api-Key", value)])),
        (1, Gen.Int[101, 300].Select(count => (IReadOnlyList<KeyValuePair<string, string>>)Enumerable.Range(0, count).Select(i => new KeyValuePair<string, string>($"X-Filler-{i}", "x")).ToList())),
        (1, Gen.OneOf(LongValues).Where(v => v.Length > 32 * 1024).Select(value => (IReadOnlyList<KeyValuePair<string, string>>)[new("X-Big", value)])));

    // A path segment: percent-decoded as Kestrel would give it, so raw Unicode, controls and slashes may appear.
    private static readonly Gen<string> Segment = Junk.Select(value => Uri.UnescapeDataString(value).Replace("/", "%2F", StringComparison.Ordinal));

    public static Gen<Probe> Checkout(long saleId) =>
        Gen.Select(Query(Parameter("user_id", UserId), Parameter("id", ItemId(saleId))), Headers, Body,
            (query, headers, body) => new Probe("POST", "/checkout", query, headers, body.ContentType, body.Bytes));

    public static readonly Gen<Probe> Purchase =
        Gen.Select(Query(Parameter("code", Code)), Headers, (query, headers) => new Probe("POST", "/purchase", query, headers, null, null));

    public static Gen<Probe> Sales(long saleId) => Gen.Select(
        Gen.Frequency(
            (1, Gen.Const("/sales/current")),
            (3, Gen.Frequency((3, Segment), (1, Gen.Const(saleId.ToString(CultureInfo.InvariantCulture)))).Select(id => $"/sales/{id}")),
            (4, Gen.Frequency((3, Segment), (1, Gen.Const(saleId.ToString(CultureInfo.InvariantCulture)))).Select(id => $"/sales/{id}/items"))),
        Query(Parameter("status", Junk), Parameter("after", ItemId(saleId)), Parameter("limit", Junk)),
        Headers,
        (path, query, headers) => new Probe("GET", path, query, headers, null, null));

    public static readonly Gen<Probe> Users = Gen.Select(
        Gen.Frequency((3, Segment), (1, UserId.Select(Uri.UnescapeDataString))),
        Query(Parameter("sale_id", Junk)),
        Headers,
        (user, query, headers) => new Probe("GET", $"/users/{user.Replace("/", "%2F", StringComparison.Ordinal)}/purchases", query, headers, null, null));

    // Calls on no route, and every route of the contract with a method it does not take.
    public static readonly Gen<Probe> Misrouted = Gen.Select(
        Gen.OneOf("/", "/checkout", "/purchase", "/sales", "/sales/current", "/sales/1", "/sales/1/items", "/users/alice/purchases", "/admin/sales",
            "/health", "/alive", "/metrics", "/admin", "/nope", "/checkout/extra", "/sales/1/items/2", "/admin/sales/1", "/users/alice", "/openapi/v2.json"),
        Gen.OneOf("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO"),
        Headers,
        (path, method, headers) => new Probe(method, path, "", headers, null, null))
        .Where(IsMisrouted);

    private static bool IsMisrouted(Probe probe) => (probe.Method, probe.Path) switch
    {
        ("POST", "/checkout" or "/purchase" or "/admin/sales") => false,
        ("GET" or "HEAD", "/" or "/sales" or "/sales/current" or "/sales/1" or "/sales/1/items" or "/users/alice/purchases"
            or "/health" or "/alive" or "/metrics") => false,
        _ => true,
    };

    private sealed record BodyShape(string? ContentType, byte[]? Bytes);

    private static readonly string[] ContentTypes =
        ["application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=latin1", "", "application/problem+json", "*/*"];

    private static readonly Gen<BodyShape> Body = Gen.Frequency(
        (6, Gen.Const(new BodyShape(null, null))),
        (1, Gen.Select(Gen.OneOf(ContentTypes), Junk, (type, text) => new BodyShape(type, Encoding.UTF8.GetBytes(text)))));

    // POST /admin/sales: a bad key, a body that is no JSON or the wrong JSON, too deep, too large, of the wrong
    // content type, or of the right shape with values the contract refuses.
    public static Gen<Probe> Admin(string adminKey) => Gen.Select(
        Gen.Frequency((8, Gen.Const(adminKey)), (1, Gen.Const((string?)null)), (1, Gen.OneOf(Injections))),
        AdminBody,
        Headers,
        (key, body, headers) => new Probe("POST", "/admin/sales", "",
            key is null ? headers : [.. headers, new("X-Api-Key", key)], body.ContentType, body.Bytes));

    private static Gen<string> Json => Gen.Frequency(
        (4, RefusedSale),
        (2, Gen.OneOf("", "{", "}", "[", "{\"total_items\":", "{\"total_items\":1,}", "{'total_items':1}", "{\"total_items\":01}", "{\"total_items\":1}}",
            "nul", "tru", "\"", "{\"total_items\":\"\\u\"}", "\u00ef\u00bb\u00bf{}", "{\"total_items\":1e400}", "{\"total_items\":NaN}", "<sale/>", "total_items=1")),
        (2, Gen.Select(Gen.OneOf("\"ten\"", "true", "[1]", "{}", "1.5", "-1", "0", "1000000", "2147483648", "\"0\"", "null", "1e3"),
            Gen.OneOf("total_items", "starts_at", "ends_at"),
            (value, member) => member == "total_items" ? $"{{\"total_items\":{value}}}" : $"{{\"total_items\":0,\"{member}\":{value}}}")),
        (1, Gen.Int[65, 5000].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))),
        (1, Gen.Int[65, 5000].Select(depth => $"{{\"total_items\":{new string('[', depth)}{new string(']', depth)}}}")),
        (1, Gen.Int[65 * 1024, 1024 * 1024].Select(size => $"{{\"total_items\":0,\"padding\":\"{new string('x', size)}\"}}")),
        (1, Junk));

    private static Gen<BodyShape> AdminBody => Gen.Frequency(
        (6, Json.Select(json => new BodyShape("application/json", Encoding.UTF8.GetBytes(json)))),
        (1, Gen.Select(Gen.OneOf(ContentTypes), Json, (type, json) => new BodyShape(type.Length == 0 ? null : type, Encoding.UTF8.GetBytes(json)))),
        (1, Gen.Const(new BodyShape(null, null))),
        (1, Gen.Int[0, 255].Array[1, 64].Select(bytes => new BodyShape("application/json", bytes.Select(b => (byte)b).ToArray()))));

    // Dates at the edges of time and with offsets, as JSON values.
    private static readonly string[] EdgeDates =
    [
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00", "1970-01-01T00:00:00Z", "2000-02-29T12:00:00+05:30",
        "2035-01-01T00:00:00+02:00", "2035-01-01T00:00:00-12:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.9999999-14:00", "2035-13-01T00:00:00Z",
        "2035-02-30T00:00:00Z", "2035-01-01T24:00:00Z", "2035-01-01", "2035-01-01T00:00:00", "yesterday", "",
    ];

    private static readonly Gen<string?> Date = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (3, Gen.OneOf(EdgeDates).Select(date => (string?)date)),
        (3, Gen.Int[-3600 * 24 * 10, 3600 * 24 * 10].Select(seconds => (string?)DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("O", CultureInfo.InvariantCulture))));

    // A well-formed body that the contract refuses before storage: total_items out of range, a time outside
    // 2000..9000 (any offset), or a window that is empty, past or longer than 7 days.
    private static Gen<string> RefusedSale => Gen.Select(Gen.Int[-5, 1_000_005], Date, Date, (total, start, end) => (total, start, end))
        .Where(sale => IsRefusedBeforeStorage(sale.total, sale.start, sale.end))
        .Select(sale =>
        {
            var members = new List<string> { $"\"total_items\":{sale.total}" };
            if (sale.start is not null)
            {
                members.Add($"\"starts_at\":\"{sale.start}\"");
            }

            if (sale.end is not null)
            {
                members.Add($"\"ends_at\":\"{sale.end}\"");
            }

            return "{" + string.Join(',', members) + "}";
        });

    // What AdminApi.CreateSale checks before it writes, with the default one-hour sale length.
    private static bool IsRefusedBeforeStorage(int total, string? startsAt, string? endsAt)
    {
        if (total is < 1 or > 999_999)
        {
            return true;
        }

        if (!TryDate(startsAt, out var start) || !TryDate(endsAt, out var end) || OutOfTime(start) || OutOfTime(end))
        {
            return true;
        }

        var now = DateTimeOffset.UtcNow;
        var from = start ?? now;
        var to = end ?? from.AddHours(1);
        return to <= from || to <= now || to - from > TimeSpan.FromDays(7);
    }

    private static bool OutOfTime(DateTimeOffset? date) => date is { } time && (time < AdminApi.FirstTime || time >= AdminApi.LastTime);

    // False for a date System.Text.Json refuses (so is the request); null for no date.
    private static bool TryDate(string? text, out DateTimeOffset? date)
    {
        date = null;
        if (text is null)
        {
            return true;
        }

        try
        {
            date = System.Text.Json.JsonSerializer.Deserialize<DateTimeOffset>($"\"{text}\"");
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
