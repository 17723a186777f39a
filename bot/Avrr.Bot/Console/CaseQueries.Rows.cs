using System.Data.Common;
using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;
using Avrr.Dialogs;

namespace Avrr.Bot.Console;

/// <summary>The rows under the console's reads: a case with its conversation's key, the transcript, the window.</summary>
public sealed partial class CaseQueries
{
    /// <param name="language">The viewer's language: of several translations of a message, theirs is shown.</param>
    private static async Task<List<TranscriptEntry>> TranscriptAsync(DbConnection connection, string conversationId, string channel, PersonKey key, long afterSeq, string language, CancellationToken ct)
    {
        var push = channel != DirectLine.DirectLineEndpoints.ChannelName;
        var entries = new List<TranscriptEntry>();
        await using var command = connection.Command("SELECT seq, direction, payload, delivery, created_at, last_error FROM activities WHERE conversation_id = @c AND seq > @after ORDER BY seq LIMIT @max",
            ("c", conversationId), ("after", afterSeq), ("max", TranscriptPage));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var activity = ActivityJson.Deserialize(key.Open(SealedField.Activity, seq, (byte[])reader.GetValue(2)));
            if (activity is not { Type: ActivityTypes.Message })
            {
                continue;
            }

            var direction = (ActivityDirection)reader.GetInt32(1);
            var counsellor = direction == ActivityDirection.Out && IsCounsellor(activity);
            entries.Add(new TranscriptEntry(
                seq,
                activity.Timestamp ?? At(reader.GetInt64(4)),
                direction == ActivityDirection.In ? "person" : counsellor ? "counsellor" : "bot",
                counsellor ? activity.From?.Name : null,
                activity.Text ?? "",
                direction == ActivityDirection.Out ? ConsoleDelivery.Name((DeliveryStatus)reader.GetInt32(3), push) : null,
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        if (entries.Count == 0)
        {
            return entries;
        }

        var translations = await TranslationsAsync(connection, conversationId, key, afterSeq, language, ct);
        return [.. entries.Select(e => translations.TryGetValue(e.Seq, out var t) ? e with { Translation = t } : e)];
    }

    private static async Task<Dictionary<long, TranslationView>> TranslationsAsync(DbConnection connection, string conversationId, PersonKey key, long afterSeq, string language, CancellationToken ct)
    {
        var found = new Dictionary<long, TranslationView>();
        await using var command = connection.Command("SELECT seq, language, side, text, note FROM message_translations WHERE conversation_id = @c AND seq > @after",
            ("c", conversationId), ("after", afterSeq));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var rowLanguage = reader.GetString(1);
            if (found.TryGetValue(seq, out var already) && already.Language == language)
            {
                continue;
            }

            var side = (Translation.TranslationSide)reader.GetInt32(2);
            var text = reader.IsDBNull(3) ? null : key.OpenString(SealedField.Translation, seq, (byte[])reader.GetValue(3));
            var status = side switch
            {
                Translation.TranslationSide.Nothing => "none",
                Translation.TranslationSide.Original => text is null ? "not_translated" : "original",
                _ => text is null ? "not_translated" : "translated",
            };
            found[seq] = new TranslationView(status, rowLanguage, text, reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return found;
    }

    private static bool IsCounsellor(Activity activity) =>
        activity.ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("avrr", out var avrr)
        && avrr.ValueKind == JsonValueKind.Object && avrr.TryGetProperty("from", out var from) && from.GetString() == "counsellor";

    private sealed record CaseRow(long Id, string Reference, string ConversationId, CaseState Status, string Channel, string? Language, string? Programme, int Urgency, string Reason,
        string? Assignee, long CreatedAt, long? ClaimedAt, long? FirstResponseAt, long? ClosedAt, string? Outcome, byte[]? Summary, byte[]? DataKey, bool OptedOut);

    private static async Task<CaseRow?> CaseRowAsync(DbConnection connection, string reference, CancellationToken ct)
    {
        await using var command = connection.Command("""
            SELECT k.id, k.reference, k.conversation_id, k.status, k.channel, k.language, k.programme, k.urgency, k.reason, k.assignee,
                   k.created_at, k.claimed_at, k.first_response_at, k.closed_at, k.outcome, k.summary, c.data_key, c.opted_out
            FROM cases k LEFT JOIN conversations c ON c.id = k.conversation_id
            WHERE k.reference = @r
            """, ("r", reference));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new CaseRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (CaseState)reader.GetInt32(3), reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetInt32(7), reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetInt64(10), Nullable(reader, 11), Nullable(reader, 12), Nullable(reader, 13),
            reader.IsDBNull(14) ? null : reader.GetString(14), reader.IsDBNull(15) ? null : (byte[])reader.GetValue(15),
            reader.IsDBNull(16) ? null : (byte[])reader.GetValue(16), !reader.IsDBNull(17) && reader.GetBoolean(17));
    }

    private static async Task<ContactWindow> WindowAsync(DbConnection connection, string conversationId, CancellationToken ct)
    {
        await using var command = connection.Command("SELECT last_inbound_at, template_sent_at FROM channel_contacts WHERE conversation_id = @c", ("c", conversationId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new ContactWindow(At(reader.GetInt64(0)), reader.IsDBNull(1) ? null : At(reader.GetInt64(1)))
            : new ContactWindow(null, null);
    }

    public static string UrgencyName(int urgency) => ((HandoffUrgency)urgency).ToString().ToLowerInvariant();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static long? Nullable(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);

    private static double Minutes(long ms) => Math.Round(ms / 60_000.0, 1);

    private static double? Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null : Minutes(sorted[sorted.Count / 2]);
    }
}
