using System.Text.Json.Serialization;

namespace FlashSale.Api.Storage;

// The sale's state as rebuild_sale.lua reads it (RedisSaleState.Snapshot), serialized by generated code as the answers
// are (Contract/ApiJsonContext).
[JsonSerializable(typeof(RedisSaleState.Snapshot))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;
