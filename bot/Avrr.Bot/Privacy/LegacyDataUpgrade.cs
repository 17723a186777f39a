using System.Data.Common;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Privacy;

/// <summary>
/// Brings a database from before encryption up to date, once, at start-up: every conversation gets a random id (a
/// WhatsApp or Telegram one was <c>whatsapp:&lt;phone&gt;</c>), a data key, its address sealed and hashed, and every
/// personal field sealed; platform message ids become keyed hashes. One transaction per conversation, so a restart
/// half-way continues where it stopped and loses nothing.
/// </summary>
internal sealed partial class LegacyDataUpgrade(StoreConnections connections, KeyRing keys, BlindIndex index, ILogger<LegacyDataUpgrade> logger)
{
    private static readonly HashSet<string> PushChannels = new(StringComparer.Ordinal) { "telegram", "whatsapp" };

    public async Task RunAsync(CancellationToken ct)
    {
        var upgraded = 0;
        while (true)
        {
            var batch = await LegacyConversationsAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var conversation in batch)
            {
                await UpgradeAsync(conversation, ct);
                upgraded++;
            }
        }

        var orphans = await HashOrphanInboxRowsAsync(ct);
        if (upgraded + orphans > 0)
        {
            Log.Upgraded(logger, upgraded, orphans);
            if (connections.Provider == StorageProvider.Sqlite)
            {
                // Rewrite the file once, so no page from before keeps the plaintext (the log is emptied as well).
                await using var connection = await connections.OpenAsync(ct);
                await using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
                await vacuum.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private sealed record Legacy(string Id, string Channel, byte[]? Address, byte[]? State);

    private async Task<List<Legacy>> LegacyConversationsAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, channel, channel_address, state FROM conversations WHERE data_key IS NULL ORDER BY id LIMIT 100";
        var result = new List<Legacy>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Legacy(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : Bytes(reader, 2), reader.IsDBNull(3) ? null : Bytes(reader, 3)));
        }

        return result;
    }

    private async Task UpgradeAsync(Legacy legacy, CancellationToken ct)
    {
        var push = PushChannels.Contains(legacy.Channel);
        // Direct Line ids were random already and clients hold tokens for them; platform-derived ids are replaced.
        var id = IsRandomId(legacy.Id) ? legacy.Id : ConversationIds.New();
        using var key = keys.NewPersonKey(id, out var wrapped);
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        var activities = new List<(long Seq, byte[] Payload, string? External)>();
        await using (var select = connection.Command(transaction, "SELECT seq, payload, external_message_id FROM activities WHERE conversation_id = @c", ("c", legacy.Id)))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                activities.Add((reader.GetInt64(0), Bytes(reader, 1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        foreach (var (seq, payload, external) in activities)
        {
            var sealedPayload = PersonKey.IsSealed(payload) ? payload : key.Seal(SealedField.Activity, seq, RewriteActivity(payload, legacy.Id, id));
            var hashedExternal = external is null || BlindIndex.IsHash(external) ? external : index.Hash(legacy.Channel, external);
            await ExecuteAsync(connection, transaction, "UPDATE activities SET conversation_id = @n, payload = @p, external_message_id = @x WHERE conversation_id = @c AND seq = @s", ct,
                ("n", id), ("p", sealedPayload), ("x", hashedExternal), ("c", legacy.Id), ("s", seq));
        }

        var inbox = new List<(long Id, string External, byte[]? Payload)>();
        await using (var select = connection.Command(transaction, "SELECT id, external_id, payload FROM inbox WHERE conversation_id = @c", ("c", legacy.Id)))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                inbox.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : Bytes(reader, 2)));
            }
        }

        foreach (var (rowId, external, payload) in inbox)
        {
            var hash = BlindIndex.IsHash(external) ? external : index.Hash(legacy.Channel, external);
            var sealedPayload = payload is null ? null : key.Seal(SealedField.InboxPayload, SealedRows.InboxPayload(hash), RewriteEnvelope(payload));
            await ExecuteAsync(connection, transaction, "UPDATE inbox SET conversation_id = @n, external_id = @x, payload = @p WHERE id = @id", ct,
                ("n", id), ("x", hash), ("p", sealedPayload), ("id", rowId));
        }

        // Hand-off requests became cases (migration Cases) with their summaries still in plaintext bytes.
        var cases = new List<(long Id, byte[]? Summary)>();
        await using (var select = connection.Command(transaction, "SELECT id, summary FROM cases WHERE conversation_id = @c", ("c", legacy.Id)))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                cases.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : Bytes(reader, 1)));
            }
        }

        foreach (var (rowId, summary) in cases)
        {
            await ExecuteAsync(connection, transaction, "UPDATE cases SET conversation_id = @n, summary = @s WHERE id = @id", ct,
                ("n", id), ("s", summary is null ? null : key.Seal(SealedField.HandoffSummary, 0, summary)), ("id", rowId));
        }

        await ExecuteAsync(connection, transaction, "UPDATE channel_contacts SET conversation_id = @n WHERE conversation_id = @c", ct, ("n", id), ("c", legacy.Id));

        var address = push && legacy.Address is { Length: > 0 } a ? Encoding.UTF8.GetString(a) : null;
        await ExecuteAsync(connection, transaction, """
            UPDATE conversations SET id = @n, channel_address = @a, address_hash = @h, data_key = @k, state = @s
            WHERE id = @c AND data_key IS NULL
            """, ct,
            ("n", id),
            ("a", address is null ? null : key.Seal(SealedField.ChannelAddress, 0, address)),
            ("h", address is null ? null : index.Hash(legacy.Channel, address)),
            ("k", wrapped),
            ("s", legacy.State is null ? null : key.Seal(SealedField.ConversationState, 0, legacy.State)),
            ("c", legacy.Id));
        await transaction.CommitAsync(ct);
    }

    /// <summary>Dedupe rows left from erased conversations: only their message ids, now hashed and unlinked.</summary>
    private async Task<int> HashOrphanInboxRowsAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var rows = new List<(long Id, string Channel, string External)>();
            await using var connection = await connections.OpenAsync(ct);
            await using (var select = connection.Command(null, $"SELECT id, channel, external_id FROM inbox WHERE external_id NOT LIKE '{BlindIndex.Marker}%' ORDER BY id LIMIT 500"))
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            if (rows.Count == 0)
            {
                return total;
            }

            await using var transaction = await connection.BeginTransactionAsync(ct);
            foreach (var (rowId, channel, external) in rows)
            {
                await ExecuteAsync(connection, transaction, $"UPDATE inbox SET external_id = @x, conversation_id = '', payload = NULL, status = {(int)InboxStatus.Processed} WHERE id = @id", ct,
                    ("x", index.Hash(channel, external)), ("id", rowId));
            }

            await transaction.CommitAsync(ct);
            total += rows.Count;
        }
    }

    /// <summary>The activity with the new conversation id, and no platform account ids (they live sealed on the conversation).</summary>
    private static byte[] RewriteActivity(byte[] payload, string oldId, string newId)
    {
        if (JsonNode.Parse(payload) is not JsonObject activity)
        {
            return payload;
        }

        foreach (var name in new[] { "id", "replyToId" })
        {
            if (activity[name]?.GetValue<string>() is { } value && value.StartsWith(oldId + "|", StringComparison.Ordinal))
            {
                activity[name] = newId + value[oldId.Length..];
            }
        }

        if (activity["conversation"] is JsonObject conversation)
        {
            conversation["id"] = newId;
        }

        ForgetAccountIds(activity);
        return Encoding.UTF8.GetBytes(activity.ToJsonString());
    }

    private static byte[] RewriteEnvelope(byte[] payload)
    {
        if (JsonNode.Parse(payload) is not JsonObject envelope || envelope["a"]?.GetValue<string>() is not { } activityJson || JsonNode.Parse(activityJson) is not JsonObject activity)
        {
            return payload;
        }

        ForgetAccountIds(activity);
        var upgraded = new JsonObject
        {
            ["a"] = activity.ToJsonString(),
            ["ml"] = envelope["ml"]?.DeepClone(),
            ["mc"] = envelope["mc"]?.DeepClone(),
            ["sc"] = envelope["sc"]?.DeepClone(),
            ["sp"] = envelope["sp"]?.DeepClone(),
        };
        return Encoding.UTF8.GetBytes(upgraded.ToJsonString());
    }

    private static void ForgetAccountIds(JsonObject activity)
    {
        foreach (var account in new[] { "from", "recipient" })
        {
            if (activity[account] is JsonObject party && party["id"]?.GetValue<string>() is { } id && (id.StartsWith("telegram:", StringComparison.Ordinal) || id.StartsWith("whatsapp:", StringComparison.Ordinal)))
            {
                party["id"] = "person";
            }
        }
    }

    internal static bool IsRandomId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private static byte[] Bytes(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        byte[] bytes => bytes,
        string text => Encoding.UTF8.GetBytes(text),
        var other => throw new JsonException($"Unexpected stored value of type {other.GetType().Name}."),
    };

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.Command(transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Encrypted {Conversations} conversations stored before encryption at rest, and hashed {Orphans} old message ids")]
        public static partial void Upgraded(ILogger logger, int conversations, int orphans);
    }
}
