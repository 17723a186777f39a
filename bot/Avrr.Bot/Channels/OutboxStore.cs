using System.Data.Common;
using Avrr.Bot.Activities;
using Avrr.Bot.Changes;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;

namespace Avrr.Bot.Channels;

/// <summary>
/// The outbox's SQL: the next due activity of each conversation (strict order per conversation), claims that work
/// across instances, results, the WhatsApp window per contact, and platform status reports. Portable SQL for SQLite
/// and PostgreSQL, like the turn's.
/// </summary>
public sealed class OutboxStore(StoreConnections connections, StoreWriter writer, KeyRing keys, BlindIndex index, ConversationDirectory directory, TimeProvider time, ChangeFeed changes)
{
    /// <summary>How long a claimed row is reserved for the instance sending it; after a crash it becomes due again.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    private const int Out = (int)ActivityDirection.Out;
    private const int Pending = (int)DeliveryStatus.Pending;
    private const int Sending = (int)DeliveryStatus.Sending;
    private const int Held = (int)DeliveryStatus.Held;

    public async Task<IReadOnlyList<OutboxItem>> DueAsync(int max, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command($"""
            SELECT a.conversation_id, a.seq, a.payload, a.attempts, c.channel, c.channel_address, c.data_key
            FROM activities a JOIN conversations c ON c.id = a.conversation_id
            WHERE a.direction = {Out} AND a.delivery IN ({Pending}, {Sending})
              AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= @now)
              AND NOT EXISTS (SELECT 1 FROM activities b WHERE b.conversation_id = a.conversation_id AND b.direction = {Out}
                              AND b.delivery IN ({Pending}, {Sending}, {Held}) AND b.seq < a.seq)
            ORDER BY a.next_attempt_at, a.conversation_id
            LIMIT @max
            """, ("now", now), ("max", max));
        var items = new List<OutboxItem>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var conversationId = reader.GetString(0);
            var seq = reader.GetInt64(1);
            if (reader.IsDBNull(5) || reader.IsDBNull(6))
            {
                // A push conversation without an address cannot be answered (it never had one, or it was shredded).
                continue;
            }

            using var key = keys.OpenPersonKey(conversationId, (byte[])reader.GetValue(6));
            var activity = ActivityJson.Deserialize(key.Open(SealedField.Activity, seq, (byte[])reader.GetValue(2))) ?? new Activity();
            var address = key.OpenString(SealedField.ChannelAddress, 0, (byte[])reader.GetValue(5));
            items.Add(new OutboxItem(reader.GetString(4), conversationId, seq, address, activity, reader.GetInt32(3)));
        }

        return items;
    }

    /// <summary>When the next row becomes due, if any is waiting.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command($"SELECT MIN(next_attempt_at) FROM activities WHERE direction = {Out} AND delivery IN ({Pending}, {Sending})");
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// SQLite runs one instance, so at start-up every claim is from a process that died (kill -9, power loss): its
    /// rows are due now rather than when the lease lapses. Whether such a send reached the platform is unknown; it is
    /// sent again (at least once), since no platform offers an idempotency key. PostgreSQL instances wait for the lease.
    /// </summary>
    public async Task ReleaseClaimsOfEarlierProcessAsync(CancellationToken ct)
    {
        if (connections.SingleWriter)
        {
            await WriteAsync($"UPDATE activities SET next_attempt_at = @now WHERE direction = {Out} AND delivery = {Sending}", ct, ("now", time.GetUtcNow().ToUnixTimeMilliseconds()));
        }
    }

    /// <returns>True when this instance now owns the send (nobody else claimed it meanwhile).</returns>
    public async Task<bool> ClaimAsync(OutboxItem item, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return await WriteAsync($"""
            UPDATE activities SET delivery = {Sending}, next_attempt_at = @lease
            WHERE conversation_id = @c AND seq = @s AND delivery IN ({Pending}, {Sending}) AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            """, ct, ("lease", (now + ClaimLease).ToUnixTimeMilliseconds()), ("c", item.ConversationId), ("s", item.Seq), ("now", now.ToUnixTimeMilliseconds())) == 1;
    }

    public async Task CompleteAsync(OutboxItem item, SendResult result, DateTimeOffset? retryAt, CancellationToken ct)
    {
        var (sql, parameters) = result switch
        {
            SendResult.Sent sent => ($"UPDATE activities SET delivery = {(int)DeliveryStatus.Sent}, attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL, external_message_id = @x WHERE conversation_id = @c AND seq = @s",
                new (string, object?)[] { ("x", sent.ExternalId is null ? null : index.Hash(item.Channel, sent.ExternalId)) }),
            SendResult.Held held => ($"UPDATE activities SET delivery = {Held}, next_attempt_at = NULL, last_error = @e WHERE conversation_id = @c AND seq = @s",
                [("e", Trim(held.Reason))]),
            SendResult.Permanent permanent => ($"UPDATE activities SET delivery = {(int)DeliveryStatus.Failed}, attempts = attempts + 1, next_attempt_at = NULL, last_error = @e WHERE conversation_id = @c AND seq = @s",
                [("e", Trim(permanent.Reason))]),
            SendResult.RetryAt wait => ($"UPDATE activities SET delivery = {Pending}, attempts = attempts + 1, next_attempt_at = @at, last_error = @e WHERE conversation_id = @c AND seq = @s",
                [("at", (retryAt ?? wait.At).ToUnixTimeMilliseconds()), ("e", Trim(wait.Reason))]),
            SendResult.Transient transient => ($"UPDATE activities SET delivery = {Pending}, attempts = attempts + 1, next_attempt_at = @at, last_error = @e WHERE conversation_id = @c AND seq = @s",
                [("at", (retryAt ?? time.GetUtcNow()).ToUnixTimeMilliseconds()), ("e", Trim(transient.Reason))]),
            _ => throw new ArgumentOutOfRangeException(nameof(result)),
        };

        await writer.RunAsync(async (connection, transaction, token) =>
        {
            await ExecuteAsync(connection, transaction, sql, token, [.. parameters, ("c", item.ConversationId), ("s", item.Seq)]);
            if (result is SendResult.Permanent { OptOut: true } blocked)
            {
                await OptOutAsync(connection, transaction, item.ConversationId, blocked.Reason, token);
            }

            if (result is SendResult.Sent or SendResult.Permanent)
            {
                await DropDeliveredAsync(connection, transaction, item.ConversationId, token);
            }
        }, ct);

        // The console's ticks (queued → sent, held, failed), on whichever instance shows the conversation.
        await changes.PublishAsync(new Change(item.ConversationId, -1, PushDeliveries: false), ct);
    }

    /// <summary>
    /// What was kept only for delivery goes once delivered: messages of a conversation without consent, and an erased
    /// conversation (its receipt, its address and its window) once nothing is left to send.
    /// </summary>
    private static async Task DropDeliveredAsync(DbConnection connection, DbTransaction transaction, string conversationId, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, $"DELETE FROM activities WHERE conversation_id = @c AND expires_at IS NOT NULL AND delivery NOT IN ({Pending}, {Sending}, {Held})", ct, ("c", conversationId));
        var erased = await ExecuteAsync(connection, transaction, $"""
            DELETE FROM conversations WHERE id = @c AND erased_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM activities WHERE conversation_id = @c AND direction = {Out} AND delivery IN ({Pending}, {Sending}, {Held}))
            """, ct, ("c", conversationId));
        if (erased == 1)
        {
            foreach (var table in new[] { "activities", "channel_contacts" })
            {
                await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE conversation_id = @c", ct, ("c", conversationId));
            }
        }
    }

    /// <summary>
    /// The person blocked the bot: nothing queued for them can be delivered, and nothing new should be tried. The
    /// version bump makes a turn running at the same moment reload instead of writing opted_out back.
    /// </summary>
    public Task OptOutAsync(string conversationId, string reason, CancellationToken ct) =>
        writer.RunAsync((connection, transaction, token) => OptOutAsync(connection, transaction, conversationId, reason, token), ct);

    private static async Task OptOutAsync(DbConnection connection, DbTransaction transaction, string conversationId, string reason, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, "UPDATE conversations SET opted_out = @t, version = version + 1 WHERE id = @c", ct, ("t", true), ("c", conversationId));
        await ExecuteAsync(connection, transaction, $"UPDATE activities SET delivery = {(int)DeliveryStatus.Failed}, next_attempt_at = NULL, last_error = @e WHERE conversation_id = @c AND direction = {Out} AND delivery IN ({Pending}, {Held})",
            ct, ("e", Trim(reason)), ("c", conversationId));
    }

    /// <summary>The person behind a platform address blocked the bot (reported before any send failed).</summary>
    public async Task OptOutAddressAsync(string channel, string address, string reason, CancellationToken ct)
    {
        string? conversationId;
        await using (var connection = await connections.OpenAsync(ct))
        {
            conversationId = await directory.FindAsync(connection, channel, address, ct);
        }

        if (conversationId is not null)
        {
            await OptOutAsync(conversationId, reason, ct);
        }
    }

    public async Task<(DateTimeOffset? LastInbound, DateTimeOffset? TemplateSent)> ContactAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command("SELECT last_inbound_at, template_sent_at FROM channel_contacts WHERE conversation_id = @c", ("c", conversationId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return (null, null);
        }

        return (DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
    }

    public Task TemplateSentAsync(string conversationId, CancellationToken ct) =>
        WriteAsync("UPDATE channel_contacts SET template_sent_at = @at WHERE conversation_id = @c", ct, ("at", time.GetUtcNow().ToUnixTimeMilliseconds()), ("c", conversationId));

    /// <summary>Applies a platform status report as a monotonic maximum (reports arrive out of order).</summary>
    public async Task StatusAsync(string channel, string externalId, DeliveryStatus status, string? error, CancellationToken ct)
    {
        static int Rank(DeliveryStatus s) => s switch { DeliveryStatus.Sent => 1, DeliveryStatus.Delivered => 2, DeliveryStatus.Read => 3, DeliveryStatus.Failed => 4, _ => 0 };
        await using var connection = await connections.OpenAsync(ct);
        await using var select = connection.Command("SELECT conversation_id, seq, delivery FROM activities WHERE external_message_id = @x", ("x", index.Hash(channel, externalId)));
        var rows = new List<(string, long, DeliveryStatus)>();
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), (DeliveryStatus)reader.GetInt32(2)));
            }
        }

        foreach (var (conversationId, seq, current) in rows.Where(r => Rank(status) > Rank(r.Item3)))
        {
            await WriteAsync("UPDATE activities SET delivery = @d, last_error = COALESCE(@e, last_error) WHERE conversation_id = @c AND seq = @s", ct,
                ("d", (int)status), ("e", error is null ? null : Trim(error)), ("c", conversationId), ("s", seq));
            await changes.PublishAsync(new Change(conversationId, -1, PushDeliveries: false), ct);
        }
    }

    private Task<int> WriteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        writer.RunAsync((connection, transaction, token) => ExecuteAsync(connection, transaction, sql, token, parameters), ct);

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static string Trim(string text) => text.Length > 1000 ? text[..1000] : text;
}
