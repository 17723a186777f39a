using System.Text.Json;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;

namespace Avrr.Bot.Turns;

/// <summary>
/// Runs the turns of acknowledged-but-unprocessed inbox rows in arrival order, also those left by a crash
/// (it drains everything pending when it starts).
/// </summary>
internal sealed partial class InboxWorker(
    StoreConnections connections,
    StoreWriter writer,
    TurnPipeline pipeline,
    KeyRing keys,
    InboxSignal signal,
    TimeProvider time,
    ILogger<InboxWorker> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    /// <summary>Conversations whose turns run at once; beyond the writer's batch this only adds waiting.</summary>
    private const int Parallelism = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DrainBatchAsync(stoppingToken) > 0)
                {
                }

                await signal.WaitAsync(IdlePoll, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.DrainFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    private async Task<int> DrainBatchAsync(CancellationToken ct)
    {
        var batch = new List<(long Id, string Channel, string ExternalId, string ConversationId, byte[]? Payload, byte[]? Key)>();
        await using (var connection = await connections.OpenAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT i.id, i.channel, i.external_id, i.conversation_id, i.payload, c.data_key
                FROM inbox i LEFT JOIN conversations c ON c.id = i.conversation_id
                WHERE i.status = {(int)InboxStatus.Pending} ORDER BY i.id LIMIT 100
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                batch.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : (byte[])reader.GetValue(4), reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5)));
            }
        }

        // Each conversation's messages in arrival order, different conversations at the same time: their turns then
        // share commits (group commit) instead of taking one each.
        var conversations = batch.GroupBy(row => row.ConversationId, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(conversations, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = CancellationToken.None }, async (rows, _) =>
        {
            foreach (var row in rows)
            {
                if (ct.IsCancellationRequested)
                {
                    return;
                }

                await ProcessAsync(row, ct);
            }
        });

        return batch.Count;
    }

    private async Task ProcessAsync((long Id, string Channel, string ExternalId, string ConversationId, byte[]? Payload, byte[]? Key) row, CancellationToken ct)
    {
        try
        {
            if (row.Payload is null || row.Key is null)
            {
                throw new JsonException("the inbox payload or the conversation's key is missing");
            }

            PendingEnvelope envelope;
            using (var key = keys.OpenPersonKey(row.ConversationId, row.Key))
            {
                envelope = JsonSerializer.Deserialize(key.Open(SealedField.InboxPayload, SealedRows.InboxPayload(row.ExternalId), row.Payload), PendingJsonContext.Default.PendingEnvelope)
                    ?? throw new JsonException("empty inbox payload");
            }

            // A started turn runs to its commit even during shutdown; the host waits for it (graceful shutdown).
            await pipeline.ProcessPendingAsync(InboxIntake.Restore(row.Channel, row.ExternalId, row.ConversationId, envelope), row.Id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is JsonException or TurnConflictException or ArgumentException or FormatException or SealedDataException or KeyRingException)
        {
            // A message that cannot be processed must not block the ones behind it.
            Log.PoisonMessage(logger, row.Id, ex);
            await MarkFailedAsync(row.Id, ct);
        }
    }

    private async Task MarkFailedAsync(long inboxId, CancellationToken ct)
    {
        // A message that cannot be processed keeps no content: operators see that it failed, not what it said.
        await writer.RunAsync(async (connection, transaction, token) =>
        {
            await using var command = connection.Command(transaction, $"UPDATE inbox SET status = {(int)InboxStatus.Failed}, payload = NULL WHERE id = @id AND status = {(int)InboxStatus.Pending}", ("id", inboxId));
            await command.ExecuteNonQueryAsync(token);
        }, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Inbox message {InboxId} could not be processed and was marked failed")]
        public static partial void PoisonMessage(ILogger logger, long inboxId, Exception exception);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Processing the inbox failed; retrying")]
        public static partial void DrainFailed(ILogger logger, Exception exception);
    }
}
