using Avrr.Bot.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Avrr.Bot.Changes;

/// <summary>
/// One <c>LISTEN</c> connection per instance on PostgreSQL: what another instance committed wakes this instance's
/// Direct Line streams, outbox relay and console clients. After a lost connection every listener is woken once,
/// since notifications sent meanwhile are gone; they re-read by cursor, the database stays the truth.
/// </summary>
internal sealed partial class ChangeListener(
    IOptions<StorageOptions> storage,
    ChangeFeed feed,
    ConversationEvents conversations,
    TimeProvider time,
    ILogger<ChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (storage.Value.Provider != StorageProvider.Postgres)
        {
            return;
        }

        var reconnecting = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(storage.Value.ConnectionString) { KeepAlive = 30, Pooling = false }.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChangeFeed.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (reconnecting)
                {
                    conversations.PublishedEverywhere();
                    feed.Local(new Change("", -1, PushDeliveries: true, Case: ""));
                    Log.Reconnected(logger);
                }

                reconnecting = true;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                Log.Lost(logger, ex);
                await Task.Delay(Reconnect, time, stoppingToken);
            }
        }
    }

    private void Receive(string payload)
    {
        if (Change.TryDecode(payload, out var instance, out var change) && instance != feed.Instance)
        {
            feed.Local(change);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Lost the PostgreSQL notification connection; reconnecting")]
        public static partial void Lost(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Listening for changes again; every stream re-reads once")]
        public static partial void Reconnected(ILogger logger);
    }
}
