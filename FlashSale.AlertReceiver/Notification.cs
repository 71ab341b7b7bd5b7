namespace FlashSale.AlertReceiver;

// The body of Alertmanager's webhook (version 4): one group's alerts, firing and resolved, as of this notification.
// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
public sealed record Notification(string? Status, string? Receiver, IReadOnlyList<NotifiedAlert>? Alerts);

public sealed record NotifiedAlert(
    string? Status,
    Dictionary<string, string>? Labels,
    Dictionary<string, string>? Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string? Fingerprint)
{
    public bool IsResolved => Status == "resolved";

    public string Label(string name) => Labels?.GetValueOrDefault(name) ?? "-";

    public string Annotation(string name) => Annotations?.GetValueOrDefault(name) ?? "";
}
