using System.Data.Common;
using Avrr.Bot.Audit;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Privacy;

/// <summary>What is kept about one conversation, in counts only: what staff see before they erase it.</summary>
public sealed record KeptData(string ConversationId, string Channel, DateTimeOffset Created, DateTimeOffset LastActivity, int Messages, bool HasState, int Cases, bool HasAddress, ConversationOwner Owner);

/// <summary>
/// Deletes a person's data outside a turn: staff erasure on request, and the retention sweep. Everything goes in one
/// transaction (conversation with its key, transcript and outbox, inbox links, window, cases with their notes), so a crash
/// leaves either all of it or none; only the keyed dedupe hashes stay, unlinked, until they expire.
/// </summary>
public sealed class PersonalDataStore(StoreConnections connections, ConversationLocks locks, ErasureFollowUp followUp, TimeProvider time)
{
    private const int Out = (int)ActivityDirection.Out;

    public async Task<KeptData?> KeptAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command(null, """
            SELECT c.channel, c.created_at, c.updated_at, c.state IS NOT NULL, c.channel_address IS NOT NULL, c.owner,
                   (SELECT COUNT(*) FROM activities a WHERE a.conversation_id = c.id),
                   (SELECT COUNT(*) FROM cases k WHERE k.conversation_id = c.id)
            FROM conversations c WHERE c.id = @id
            """, ("id", conversationId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new KeptData(
            conversationId,
            reader.GetString(0),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
            Convert.ToInt32(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture),
            reader.GetBoolean(3),
            Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
            reader.GetBoolean(4),
            (ConversationOwner)reader.GetInt32(5));
    }

    /// <summary>
    /// Erases a conversation now. With <paramref name="inactiveBefore"/> only if it is still inactive since then and no
    /// message waits for it (the retention sweep racing a person who just wrote loses nothing).
    /// </summary>
    /// <returns>False when there was nothing (left) to erase.</returns>
    public async Task<bool> EraseAsync(string conversationId, string actor, string reason, DateTimeOffset? inactiveBefore, CancellationToken ct)
    {
        using var _ = await locks.AcquireAsync(conversationId, ct);
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var sql = inactiveBefore is null
            ? "DELETE FROM conversations WHERE id = @id"
            : $"""
              DELETE FROM conversations WHERE id = @id AND updated_at < @before
                AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.conversation_id = @id AND i.status = {(int)InboxStatus.Pending})
              """;
        (string, object?)[] parameters = inactiveBefore is { } before ? [("id", conversationId), ("before", before.ToUnixTimeMilliseconds())] : [("id", conversationId)];
        await using (var delete = connection.Command(transaction, sql, parameters))
        {
            if (await delete.ExecuteNonQueryAsync(ct) == 0)
            {
                return false;
            }
        }

        await DeleteRowsAsync(connection, transaction, conversationId, ct);
        await AuditAsync(connection, transaction, actor, "person.erase", reason, ct);
        await transaction.CommitAsync(ct);
        followUp.Erased();
        return true;
    }

    /// <summary>Everything of a conversation but its row (which the caller deleted or keeps for its receipt).</summary>
    internal static async Task DeleteRowsAsync(DbConnection connection, DbTransaction transaction, string conversationId, CancellationToken ct)
    {
        foreach (var sql in new[]
        {
            "DELETE FROM activities WHERE conversation_id = @id",
            "DELETE FROM channel_contacts WHERE conversation_id = @id",
            $"UPDATE inbox SET payload = NULL, status = {(int)InboxStatus.Processed}, conversation_id = '' WHERE conversation_id = @id",
        })
        {
            await using var command = connection.Command(transaction, sql, ("id", conversationId));
            await command.ExecuteNonQueryAsync(ct);
        }

        await Cases.CaseRows.DeleteForConversationAsync(connection, transaction, conversationId, ct);
    }

    /// <summary>Push conversations erased by their person whose receipt was delivered, or could not be within a day.</summary>
    internal async Task<int> DropErasedAsync(DateTimeOffset now, CancellationToken ct)
    {
        var ids = await IdsAsync($"""
            SELECT id FROM conversations c WHERE c.erased_at IS NOT NULL
              AND (c.erased_at < @stuck OR NOT EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id AND a.direction = {Out}
                   AND a.delivery IN ({(int)DeliveryStatus.Pending}, {(int)DeliveryStatus.Sending}, {(int)DeliveryStatus.Held})))
            LIMIT 500
            """, ct, ("stuck", (now - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds()));
        var dropped = 0;
        foreach (var id in ids)
        {
            using var _ = await locks.AcquireAsync(id, ct);
            await using var connection = await connections.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var delete = connection.Command(transaction, "DELETE FROM conversations WHERE id = @id AND erased_at IS NOT NULL", ("id", id));
            if (await delete.ExecuteNonQueryAsync(ct) == 1)
            {
                await DeleteRowsAsync(connection, transaction, id, ct);
                dropped++;
            }

            await transaction.CommitAsync(ct);
        }

        return dropped;
    }

    /// <summary>
    /// Inbox rows are written in time order, so the expired ones are the oldest ids: read forward from the start and
    /// stop at the first recent row (no index on the time column to maintain on every message).
    /// </summary>
    internal async Task<int> ExpireDedupeKeysAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var removed = 0;
        while (true)
        {
            long? lastExpired = null;
            var reachedRecent = false;
            await using (var connection = await connections.OpenAsync(ct))
            await using (var scan = connection.Command(null, "SELECT id, received_at, status FROM inbox WHERE id > @after ORDER BY id LIMIT 1000", ("after", lastExpired ?? 0)))
            await using (var reader = await scan.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    if (reader.GetInt64(1) >= cutoff.ToUnixTimeMilliseconds() || reader.GetInt32(2) == (int)InboxStatus.Pending)
                    {
                        reachedRecent = true;
                        break;
                    }

                    lastExpired = reader.GetInt64(0);
                }
            }

            if (lastExpired is not { } upTo)
            {
                return removed;
            }

            removed += await ExecuteAsync($"DELETE FROM inbox WHERE id <= @id AND status <> {(int)InboxStatus.Pending}", ct, ("id", upTo));
            if (reachedRecent)
            {
                return removed;
            }
        }
    }

    /// <summary>Closed cases past their retention, with their events, notes and webhook deliveries.</summary>
    internal async Task<int> DeleteClosedCasesAsync(DateTimeOffset closedBefore, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var deleted = await Cases.CaseRows.DeleteClosedBeforeAsync(connection, transaction, closedBefore.ToUnixTimeMilliseconds(), ct);
        await transaction.CommitAsync(ct);
        return deleted;
    }

    /// <summary>
    /// Inactive conversations whose closed case is still kept: the transcript, state, address and window go like any
    /// inactive conversation's; the row stays with only the data key that opens the case summary, until the case goes.
    /// </summary>
    internal async Task<int> StripForClosedCasesAsync(DateTimeOffset inactiveBefore, CancellationToken ct)
    {
        var ids = await IdsAsync($"""
            SELECT id FROM conversations c WHERE c.updated_at < @cutoff
              AND c.owner NOT IN ({(int)ConversationOwner.Queued}, {(int)ConversationOwner.Counsellor})
              AND EXISTS (SELECT 1 FROM cases k WHERE k.conversation_id = c.id)
              AND (c.state IS NOT NULL OR c.channel_address IS NOT NULL OR EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id))
            LIMIT 500
            """, ct, ("cutoff", inactiveBefore.ToUnixTimeMilliseconds()));
        var stripped = 0;
        foreach (var id in ids)
        {
            using var _ = await locks.AcquireAsync(id, ct);
            await using var connection = await connections.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var strip = connection.Command(transaction, $"""
                UPDATE conversations SET state = NULL, channel_address = NULL, address_hash = NULL, version = version + 1
                WHERE id = @id AND updated_at < @cutoff AND owner NOT IN ({(int)ConversationOwner.Queued}, {(int)ConversationOwner.Counsellor})
                  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.conversation_id = @id AND i.status = {(int)InboxStatus.Pending})
                """, ("id", id), ("cutoff", inactiveBefore.ToUnixTimeMilliseconds()));
            if (await strip.ExecuteNonQueryAsync(ct) == 1)
            {
                foreach (var sql in new[]
                {
                    "DELETE FROM activities WHERE conversation_id = @id",
                    "DELETE FROM channel_contacts WHERE conversation_id = @id",
                    $"UPDATE inbox SET payload = NULL, status = {(int)InboxStatus.Processed}, conversation_id = '' WHERE conversation_id = @id",
                })
                {
                    await using var command = connection.Command(transaction, sql, ("id", id));
                    await command.ExecuteNonQueryAsync(ct);
                }

                stripped++;
            }

            await transaction.CommitAsync(ct);
        }

        return stripped;
    }

    internal async Task<List<string>> IdsAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command(null, sql, parameters);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    internal async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command(null, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An audit entry without personal data: who, what, and a reason in staff's words (never the person's).</summary>
    internal async Task AuditAsync(DbConnection connection, DbTransaction? transaction, string actor, string action, string detail, CancellationToken ct)
    {
        await using var audit = connection.Command(transaction, AuditTrail.InsertSql,
            ("at", time.GetUtcNow().ToUnixTimeMilliseconds()),
            ("actor", AuditTrail.Clip(actor, 256)),
            ("action", action),
            ("target", "a person's conversation"),
            ("detail", AuditTrail.Clip(detail, 4000)));
        await audit.ExecuteNonQueryAsync(ct);
    }

    internal async Task AuditAsync(string actor, string action, string detail, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await AuditAsync(connection, null, actor, action, detail, ct);
    }
}
