using Avrr.Bot.Common;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Operations;

/// <summary>
/// Counts the inbox and outbox backlogs for <see cref="Telemetry"/> every 15 seconds, so a metrics export never waits
/// on the database.
/// </summary>
internal sealed partial class BacklogSampler(StoreConnections connections, Telemetry telemetry, TimeProvider time, ILogger<BacklogSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                await using var connection = await connections.OpenAsync(stoppingToken);
                await using var inbox = connection.Command($"SELECT COUNT(*) FROM inbox WHERE status = {(int)InboxStatus.Pending}");
                await using var outbox = connection.Command(
                    $"SELECT COUNT(*) FROM activities WHERE direction = {(int)ActivityDirection.Out} AND delivery IN ({(int)DeliveryStatus.Pending}, {(int)DeliveryStatus.Sending}, {(int)DeliveryStatus.Held})");
                telemetry.Backlog(Convert.ToInt64(await inbox.ExecuteScalarAsync(stoppingToken), System.Globalization.CultureInfo.InvariantCulture),
                    Convert.ToInt64(await outbox.ExecuteScalarAsync(stoppingToken), System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                Log.SampleFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Counting the inbox and outbox backlog failed; the metrics keep the last count")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
