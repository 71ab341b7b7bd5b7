using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.AlertReceiver;

public static partial class AlertsApi
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/alerts", Receive)
            .WithTags("Alerts")
            .WithName("ReceiveAlerts")
            .WithSummary("Alertmanager's webhook: records and logs each alert of the notification, firing or resolved");
        app.MapGet("/alerts", List)
            .WithTags("Alerts")
            .WithName("ListAlerts")
            .WithSummary("The alerts firing now and the latest notifications, newest first, as JSON");
        app.MapGet("/", Page)
            .WithTags("Alerts")
            .WithName("AlertsPage")
            .WithSummary("The alerts firing now and the latest notifications, as plain text");

        return app;
    }

    public static Results<NoContent, ValidationProblem> Receive(Notification notification, AlertBook book, ILogger<AlertBook> logger)
    {
        if (notification.Alerts is not { } alerts)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["alerts"] = ["An Alertmanager notification lists its alerts."] });
        }

        foreach (var alert in alerts)
        {
            var entry = book.Record(alert);
            if (entry.ResolvedAt is { } resolvedAt)
            {
                LogResolved(logger, entry.Alert, entry.Instance, entry.Severity, resolvedAt, entry.Lasted!.Value, entry.Summary, entry.RunbookUrl);
            }
            else
            {
                LogFiring(logger, entry.Severity == "critical" ? LogLevel.Error : LogLevel.Warning,
                    entry.Alert, entry.Instance, entry.Severity, entry.Since, entry.Summary, entry.RunbookUrl);
            }
        }

        return TypedResults.NoContent();
    }

    public static Ok<AlertsView> List(AlertBook book) => TypedResults.Ok(book.View());

    public static ContentHttpResult Page(AlertBook book)
    {
        var view = book.View();
        var page = new StringBuilder();
        page.AppendLine($"Firing now ({view.Firing.Count})");
        foreach (var entry in view.Firing)
        {
            page.AppendLine($"  {entry}  runbook {entry.RunbookUrl}");
        }

        page.AppendLine().AppendLine($"Latest notifications, newest first ({view.Recent.Count})");
        foreach (var entry in view.Recent)
        {
            page.AppendLine($"  {entry.ReceivedAt:u}  {entry}");
        }

        return TypedResults.Text(page.ToString());
    }

    [LoggerMessage(Message = "FIRING {AlertName} instance={Instance} severity={Severity} since {StartsAt:u}: {Summary} (runbook {RunbookUrl})")]
    private static partial void LogFiring(ILogger logger, LogLevel level, string alertName, string instance, string severity, DateTimeOffset startsAt, string summary, string runbookUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "RESOLVED {AlertName} instance={Instance} severity={Severity} at {EndsAt:u} after {Duration}: {Summary} (runbook {RunbookUrl})")]
    private static partial void LogResolved(ILogger logger, string alertName, string instance, string severity, DateTimeOffset endsAt, TimeSpan duration, string summary, string runbookUrl);
}
