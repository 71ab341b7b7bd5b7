namespace FlashSale.AlertReceiver;

// What the receiver has been told: the alerts firing now (by Alertmanager's fingerprint) and the latest
// notifications, newest first. Held in memory: the receiver is a developer's window on the alerts, not a store.
public sealed class AlertBook(TimeProvider time)
{
    private const int HistoryLength = 200;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, AlertEntry> _firing = [];
    private readonly LinkedList<AlertEntry> _history = new();

    public AlertEntry Record(NotifiedAlert alert)
    {
        var entry = new AlertEntry(
            alert.IsResolved ? "RESOLVED" : "FIRING",
            alert.Label("alertname"),
            alert.Label("instance"),
            alert.Label("severity"),
            alert.StartsAt,
            alert.IsResolved ? alert.EndsAt : null,
            alert.Annotation("summary"),
            alert.Annotation("runbook_url"),
            time.GetUtcNow());
        var key = alert.Fingerprint ?? $"{entry.Alert}/{entry.Instance}";
        lock (_lock)
        {
            if (alert.IsResolved)
            {
                _firing.Remove(key);
            }
            else
            {
                _firing[key] = entry;
            }

            _history.AddFirst(entry);
            if (_history.Count > HistoryLength)
            {
                _history.RemoveLast();
            }
        }

        return entry;
    }

    public AlertsView View()
    {
        lock (_lock)
        {
            return new AlertsView([.. _firing.Values.OrderBy(entry => entry.Since)], [.. _history]);
        }
    }
}

// One alert as a notification told it: Status FIRING or RESOLVED, Instance "-" for an alert over all replicas.
public sealed record AlertEntry(
    string Status,
    string Alert,
    string Instance,
    string Severity,
    DateTimeOffset Since,
    DateTimeOffset? ResolvedAt,
    string Summary,
    string RunbookUrl,
    DateTimeOffset ReceivedAt)
{
    // How long it fired, in whole seconds.
    public TimeSpan? Lasted => ResolvedAt is { } resolved ? TimeSpan.FromSeconds(Math.Round((resolved - Since).TotalSeconds)) : null;

    public override string ToString() =>
        ResolvedAt is { } resolved
            ? $"RESOLVED {Alert} instance={Instance} severity={Severity} at {resolved:u} after {Lasted}: {Summary}"
            : $"FIRING {Alert} instance={Instance} severity={Severity} since {Since:u}: {Summary}";
}

public sealed record AlertsView(IReadOnlyList<AlertEntry> Firing, IReadOnlyList<AlertEntry> Recent);
