using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Api.Contract;

// Every timestamp the API writes has one shape: UTC, "Z", whole milliseconds (2026-11-30T19:00:00.000Z),
// whatever precision PostgreSQL or the clock gave it. Reading accepts any ISO 8601 form, as before.
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public const string Example = "2026-11-30T19:00:00.000Z";

    public const string Pattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
