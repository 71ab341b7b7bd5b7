using System.Text.Json;

namespace FlashSale.Tests.Aspire;

// One alert as the alert-receiver was told it (its GET /alerts view).
public sealed record ReceivedAlert(string Status, string Alert, string Instance, string Severity, string Summary, DateTimeOffset Since, DateTimeOffset ReceivedAt)
{
    public override string ToString() => $"{Status} {Alert} {Instance} {Severity} ({Summary})";
}

public static class AlertReceiverView
{
    // "firing": the alerts firing now; "recent": the latest notifications, newest first.
    public static async Task<List<ReceivedAlert>> ReadAsync(HttpClient receiver, string list)
    {
        using var view = JsonDocument.Parse(await receiver.GetStringAsync(new Uri("/alerts", UriKind.Relative)));
        return [.. view.RootElement.GetProperty(list).EnumerateArray().Select(alert => new ReceivedAlert(
            alert.GetProperty("status").GetString()!, alert.GetProperty("alert").GetString()!,
            alert.GetProperty("instance").GetString()!, alert.GetProperty("severity").GetString()!,
            alert.GetProperty("summary").GetString()!, alert.GetProperty("since").GetDateTimeOffset(),
            alert.GetProperty("receivedAt").GetDateTimeOffset()))];
    }
}
