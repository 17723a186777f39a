using System.Data.Common;
using Avrr.Bot.Activities;
using Avrr.Bot.Changes;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Knowledge;

namespace Avrr.Bot.Translation;

/// <summary>
/// Translates what a person wrote, for the counsellor who has (or will take) their case: every message of a
/// conversation with an open case, into the assignee's console language (the content's source language while the
/// case waits). Woken by case changes, it runs after the turn has committed, so a slow or absent service never holds
/// up a conversation. Results are sealed with the person's key beside their messages; a failure is stored as "not
/// translated" with the reason and tried again after <see cref="RetryAfter"/>.
/// </summary>
internal sealed partial class MessageTranslator(
    StoreConnections connections,
    KeyRing keys,
    Translator translator,
    ChangeFeed changes,
    IKnowledgeSource knowledge,
    TimeProvider time,
    ILogger<MessageTranslator> logger) : BackgroundService
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(30);
    private const int PerPass = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!translator.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Sweep, time);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var wake = changes.Cases.WaitToReadAsync(stoppingToken).AsTask();
        while (!stoppingToken.IsCancellationRequested)
        {
            var conversations = new HashSet<string>(StringComparer.Ordinal);
            var woke = await Task.WhenAny(tick, wake);
            if (woke == wake)
            {
                while (changes.Cases.TryRead(out var change))
                {
                    conversations.Add(change.ConversationId);
                }

                wake = changes.Cases.WaitToReadAsync(stoppingToken).AsTask();
            }
            else
            {
                // Now and then every open case: what failed before, and anything a lost nudge left behind.
                conversations.UnionWith(await OpenConversationsAsync(stoppingToken));
                tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            }

            foreach (var conversationId in conversations)
            {
                try
                {
                    await TranslateAsync(conversationId, stoppingToken);
                }
                catch (Exception ex) when (ex is DbException or SealedDataException or InvalidOperationException)
                {
                    Log.Failed(logger, ex);
                }
            }
        }
    }

    /// <returns>How many messages got a translation (or a reason why not).</returns>
    public async Task<int> TranslateAsync(string conversationId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Pending? pending;
        await using (var connection = await connections.OpenAsync(ct))
        {
            // Failed attempts make way for a new one.
            await using (var expire = connection.Command("DELETE FROM message_translations WHERE conversation_id = @c AND text IS NULL AND side = 0 AND created_at < @before",
                ("c", conversationId), ("before", now - (long)RetryAfter.TotalMilliseconds)))
            {
                await expire.ExecuteNonQueryAsync(ct);
            }

            pending = await PendingAsync(connection, conversationId, ct);
        }

        if (pending is null || pending.Messages.Count == 0)
        {
            return 0;
        }

        using var key = keys.OpenPersonKey(conversationId, pending.DataKey);
        var written = 0;
        foreach (var (seq, payload) in pending.Messages)
        {
            var text = ActivityJson.Deserialize(key.Open(SealedField.Activity, seq, payload))?.Text;
            // The service detects the language: people do not always write in the one they chose.
            var result = string.IsNullOrWhiteSpace(text)
                ? new TranslationResult("", TranslationStatus.SameLanguage)
                : await translator.TranslateAsync(text, from: null, pending.To, TextKind.PersonMessage, ct);
            var unchanged = result.Status == TranslationStatus.SameLanguage || result.Translated && string.Equals(result.Text, text, StringComparison.Ordinal);
            var side = unchanged ? TranslationSide.Nothing : TranslationSide.Translation;

            await using var connection = await connections.OpenAsync(ct);
            await using var insert = connection.Command("""
                INSERT INTO message_translations (conversation_id, seq, language, side, text, provider, note, created_at)
                SELECT @c, @seq, @language, @side, @text, @provider, @note, @now
                WHERE EXISTS (SELECT 1 FROM activities WHERE conversation_id = @c AND seq = @seq)
                ON CONFLICT (conversation_id, seq, language) DO NOTHING
                """,
                ("c", conversationId), ("seq", seq), ("language", pending.To), ("side", (int)side), ("text", result.Translated && !unchanged ? key.Seal(SealedField.Translation, seq, result.Text) : null),
                ("provider", translator.Provider), ("note", result.Note), ("now", time.GetUtcNow().ToUnixTimeMilliseconds()));
            var inserted = await insert.ExecuteNonQueryAsync(ct);
            written += side == TranslationSide.Translation ? inserted : 0;
        }

        if (written > 0)
        {
            changes.Local(new Change(conversationId, -1, PushDeliveries: false, Case: pending.Reference));
        }

        return written;
    }

    private sealed record Pending(string Reference, byte[] DataKey, string To, List<(long Seq, byte[] Payload)> Messages);

    private async Task<Pending?> PendingAsync(DbConnection connection, string conversationId, CancellationToken ct)
    {
        string reference;
        string? assignee;
        byte[] dataKey;
        await using (var command = connection.Command($"""
            SELECT k.reference, k.assignee, c.data_key FROM cases k JOIN conversations c ON c.id = k.conversation_id
            WHERE k.conversation_id = @c AND k.status = {(int)CaseState.Open} AND c.data_key IS NOT NULL
            """, ("c", conversationId)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            (reference, assignee, dataKey) = (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), (byte[])reader.GetValue(2));
        }

        var to = knowledge.Current.SourceLanguage;
        if (assignee is not null)
        {
            await using var profile = connection.Command("SELECT ui_language FROM staff_profiles WHERE user_id = @u", ("u", assignee));
            to = await profile.ExecuteScalarAsync(ct) as string ?? to;
        }

        var messages = new List<(long, byte[])>();
        await using (var command = connection.Command($"""
            SELECT a.seq, a.payload FROM activities a
            WHERE a.conversation_id = @c AND a.direction = {(int)ActivityDirection.In}
              AND NOT EXISTS (SELECT 1 FROM message_translations t WHERE t.conversation_id = a.conversation_id AND t.seq = a.seq AND t.language = @to)
            ORDER BY a.seq LIMIT {PerPass}
            """, ("c", conversationId), ("to", to)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                messages.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
            }
        }

        return new Pending(reference, dataKey, to, messages);
    }

    private async Task<List<string>> OpenConversationsAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command($"SELECT conversation_id FROM cases WHERE status = {(int)CaseState.Open} LIMIT 500");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "Translating a conversation's messages failed; it is tried again on the next sweep")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
