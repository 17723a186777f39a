using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Dialogs;
using Avrr.Knowledge;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Cases;

public sealed record QueueItem(
    string Reference,
    string Urgency,
    string Status,
    string Channel,
    string? Language,
    string? Programme,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastInboundAt,
    string? Assignee,
    bool Mine);

public sealed record QueueFilter(string? Language, string? Programme, string? Channel, int? MinAgeMinutes);

public sealed record TranscriptEntry(long Seq, DateTimeOffset At, string From, string? Name, string Text, string? Delivery, string? Error);

public sealed record NoteView(DateTimeOffset At, string Author, string Text);

public sealed record EventView(DateTimeOffset At, string Actor, string Kind, string? Detail);

public sealed record WindowView(bool Open, DateTimeOffset? ClosesAt, bool TemplateSent, bool TemplateConfigured);

public sealed record Choice(string Id, string Label);

public sealed record CannedView(string Id, string Label, string Text);

/// <summary>Everything the case page shows. Permissions are computed for the viewer; the API enforces them again.</summary>
public sealed record CaseView(
    string Reference,
    string Status,
    string Channel,
    string? Language,
    string? LanguageName,
    bool RightToLeft,
    string? Programme,
    string Urgency,
    string Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset? ClosedAt,
    string? Outcome,
    string? AssigneeId,
    string? Assignee,
    bool Mine,
    bool OptedOut,
    bool CanClaim,
    bool CanSpeak,
    bool CanManage,
    CaseSummaryView Summary,
    IReadOnlyList<TranscriptEntry> Transcript,
    IReadOnlyList<NoteView> Notes,
    IReadOnlyList<EventView> Events,
    WindowView? Window,
    IReadOnlyList<CannedView> Canned,
    IReadOnlyList<Choice> Outcomes,
    IReadOnlyList<Choice> ResumePoints);

public sealed record CounsellorLoad(string Name, bool Available, bool Present, int OpenCases, int Capacity, int ClosedToday, double? MedianFirstResponseMinutes);

public sealed record SupervisorView(
    int Waiting,
    int WithCounsellor,
    double? OldestWaitingMinutes,
    string? OldestUrgentUnclaimed,
    double? OldestUrgentUnclaimedMinutes,
    double? MedianWaitMinutes,
    double? MedianFirstResponseMinutes,
    IReadOnlyList<CounsellorLoad> Counsellors,
    IReadOnlyDictionary<string, int> WaitingByLanguage);

/// <summary>
/// What the console reads: the queue, a case with its summary (labels in the viewer's language), transcript with
/// ticks, notes and history, the WhatsApp window, and the supervisor's figures. Access checks are here, next to the
/// reads; the API writes the audit entry for each read.
/// </summary>
public sealed class CaseQueries(
    StoreConnections connections,
    KeyRing keys,
    IKnowledgeSource knowledge,
    StaffDirectory staff,
    TimeProvider time,
    IOptions<ConsoleOptions> console,
    IOptions<WhatsAppOptions> whatsApp)
{
    public const int TranscriptPage = 500;

    public async Task<IReadOnlyList<QueueItem>> QueueAsync(StaffMember viewer, QueueFilter filter, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var sql = """
            SELECT reference, urgency, assignee, channel, language, programme, created_at, last_inbound_at FROM cases
            WHERE status = 0
            """;
        var parameters = new List<(string, object?)>();
        if (!viewer.IsSupervisor && !(viewer.IsAdmin && console.Value.AdminsReadCases))
        {
            // A counsellor sees what waits for anyone, and their own.
            sql += " AND (assignee IS NULL OR assignee = @me)";
            parameters.Add(("me", viewer.UserId));
        }

        if (filter.Language is { Length: > 0 } language)
        {
            sql += " AND language = @language";
            parameters.Add(("language", language));
        }

        if (filter.Programme is { Length: > 0 } programme)
        {
            sql += " AND programme = @programme";
            parameters.Add(("programme", programme));
        }

        if (filter.Channel is { Length: > 0 } channel)
        {
            sql += " AND channel = @channel";
            parameters.Add(("channel", channel));
        }

        if (filter.MinAgeMinutes is > 0 and var minutes)
        {
            sql += " AND created_at <= @older";
            parameters.Add(("older", time.GetUtcNow().AddMinutes(-minutes).ToUnixTimeMilliseconds()));
        }

        // Urgent first, then the oldest.
        sql += " ORDER BY urgency DESC, created_at LIMIT 500";
        await using var command = Command(connection, sql, [.. parameters]);
        var rows = new List<(string Reference, int Urgency, string? Assignee, string Channel, string? Language, string? Programme, long Created, long? LastInbound)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetInt64(7)));
            }
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignee in rows.Select(r => r.Assignee).OfType<string>().Distinct())
        {
            names[assignee] = await staff.NameOfAsync(assignee, ct);
        }

        return rows.Select(r => new QueueItem(
            r.Reference,
            UrgencyName(r.Urgency),
            r.Assignee is null ? "waiting" : "with_counsellor",
            r.Channel,
            r.Language,
            r.Programme,
            At(r.Created),
            r.LastInbound is { } last ? At(last) : null,
            r.Assignee is null ? null : names[r.Assignee],
            r.Assignee == viewer.UserId)).ToList();
    }

    /// <summary>The case, or null when there is none with this reference; throws <see cref="UnauthorizedAccessException"/> when the viewer may not read it.</summary>
    public async Task<CaseView?> CaseAsync(string reference, StaffMember viewer, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await CaseRowAsync(connection, reference, ct);
        if (row is null)
        {
            return null;
        }

        if (!CaseAccess.CanRead(viewer, row.Status, row.Assignee, console.Value.AdminsReadCases))
        {
            throw new UnauthorizedAccessException($"{reference} is not yours to read.");
        }

        var language = (await staff.ProfileAsync(viewer.UserId, viewer.Email, ct)).UiLanguage ?? knowledge.Current.SourceLanguage;
        using var key = row.DataKey is null ? null : keys.OpenPersonKey(row.ConversationId, row.DataKey);
        var summary = key is not null && row.Summary is not null
            ? CaseSummaryView.Render(key.OpenString(SealedField.HandoffSummary, 0, row.Summary), knowledge, language)
            : CaseSummaryView.Empty;
        var transcript = key is null ? [] : await TranscriptAsync(connection, row.ConversationId, row.Channel, key, -1, ct);
        var notes = new List<NoteView>();
        await using (var command = Command(connection, "SELECT at, author, body FROM case_notes WHERE case_id = @id ORDER BY id", ("id", row.Id)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var at = reader.GetInt64(0);
                notes.Add(new NoteView(At(at), await staff.NameOfAsync(reader.GetString(1), ct), key?.OpenString(SealedField.CaseNote, at, (byte[])reader.GetValue(2)) ?? ""));
            }
        }

        var events = new List<EventView>();
        await using (var command = Command(connection, "SELECT at, actor, kind, detail FROM case_events WHERE case_id = @id ORDER BY id", ("id", row.Id)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                events.Add(new EventView(At(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        var snapshot = knowledge.Current;
        var personLanguage = row.Language ?? snapshot.DefaultLanguage;
        WindowView? window = null;
        if (row.Channel == WhatsAppSender.ChannelName)
        {
            var contact = await WindowAsync(connection, row.ConversationId, ct);
            window = new WindowView(contact.IsOpen(time.GetUtcNow()), contact.ClosesAt, contact.TemplateSentSinceLastMessage,
                whatsApp.Value.Templates.ContainsKey(personLanguage) || whatsApp.Value.Templates.ContainsKey("default"));
        }

        var open = row.Status == CaseState.Open;
        var assigneeName = row.Assignee is null ? null : await staff.NameOfAsync(row.Assignee, ct);
        return new CaseView(
            row.Reference,
            !open ? "closed" : row.Assignee is null ? "waiting" : "with_counsellor",
            row.Channel,
            row.Language,
            row.Language is null ? null : snapshot.FindLanguage(row.Language)?.NativeName,
            row.Language is not null && snapshot.FindLanguage(row.Language)?.RightToLeft == true,
            row.Programme,
            UrgencyName(row.Urgency),
            row.Reason,
            At(row.CreatedAt),
            row.ClaimedAt is { } claimed ? At(claimed) : null,
            row.FirstResponseAt is { } first ? At(first) : null,
            row.ClosedAt is { } closed ? At(closed) : null,
            row.Outcome,
            row.Assignee,
            assigneeName,
            row.Assignee == viewer.UserId,
            row.OptedOut,
            open && row.Assignee is null && viewer.TakesCases,
            open && CaseAccess.CanSpeak(viewer, row.Assignee),
            open && CaseAccess.CanManage(viewer, row.Assignee),
            summary,
            transcript,
            notes,
            events,
            window,
            snapshot.Service.CannedResponses.Select(id => new CannedView(id, snapshot.Text("canned." + id, language).Text, snapshot.Text("canned." + id, personLanguage).Text)).ToList(),
            snapshot.Service.Outcomes.Select(o => new Choice(o.Id, o.Label)).ToList(),
            ResumeChoices(summary));
    }

    /// <summary>New transcript entries after <paramref name="afterSeq"/> (the live view's cursor).</summary>
    public async Task<IReadOnlyList<TranscriptEntry>?> TranscriptAfterAsync(string reference, StaffMember viewer, long afterSeq, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await CaseRowAsync(connection, reference, ct);
        if (row is null)
        {
            return null;
        }

        if (!CaseAccess.CanRead(viewer, row.Status, row.Assignee, console.Value.AdminsReadCases))
        {
            throw new UnauthorizedAccessException($"{reference} is not yours to read.");
        }

        if (row.DataKey is null)
        {
            return [];
        }

        using var key = keys.OpenPersonKey(row.ConversationId, row.DataKey);
        return await TranscriptAsync(connection, row.ConversationId, row.Channel, key, afterSeq, ct);
    }

    public async Task<SupervisorView> SupervisorAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var weekAgo = now.AddDays(-7).ToUnixTimeMilliseconds();
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using var connection = await connections.OpenAsync(ct);
        var open = new List<(string Reference, int Urgency, string? Assignee, string? Language, long Created)>();
        await using (var command = Command(connection, "SELECT reference, urgency, assignee, language, created_at FROM cases WHERE status = 0"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                open.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
            }
        }

        var recent = new List<(string? Assignee, long Created, long? Claimed, long? FirstResponse, long? Closed)>();
        await using (var command = Command(connection, "SELECT assignee, created_at, claimed_at, first_response_at, closed_at FROM cases WHERE created_at > @since OR closed_at > @since", ("since", weekAgo)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                recent.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), Nullable(reader, 2), Nullable(reader, 3), Nullable(reader, 4)));
            }
        }

        var waiting = open.Where(o => o.Assignee is null).ToList();
        var urgent = waiting.Where(o => o.Urgency == (int)HandoffUrgency.Urgent).OrderBy(o => o.Created).FirstOrDefault();
        var colleagues = await staff.ColleaguesAsync(ct);
        return new SupervisorView(
            waiting.Count,
            open.Count - waiting.Count,
            waiting.Count == 0 ? null : Minutes(nowMs - waiting.Min(w => w.Created)),
            urgent.Reference,
            urgent.Reference is null ? null : Minutes(nowMs - urgent.Created),
            Median(recent.Where(r => r.Claimed is not null).Select(r => r.Claimed!.Value - r.Created)),
            Median(recent.Where(r => r.FirstResponse is not null && r.Claimed is not null).Select(r => r.FirstResponse!.Value - r.Claimed!.Value)),
            colleagues.Select(c => new CounsellorLoad(
                c.DisplayName,
                c.Available,
                c.Present,
                c.OpenCases,
                c.Capacity,
                recent.Count(r => r.Assignee == c.UserId && r.Closed >= dayStart),
                Median(recent.Where(r => r.Assignee == c.UserId && r.FirstResponse is not null && r.Claimed is not null).Select(r => r.FirstResponse!.Value - r.Claimed!.Value)))).ToList(),
            waiting.GroupBy(w => w.Language ?? "?").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }

    /// <summary>The versioned export (docs/case-export.md); <paramref name="language"/> is the language of its labels.</summary>
    public async Task<JsonElement?> ExportAsync(string reference, StaffMember? viewer, string? language, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await CaseRowAsync(connection, reference, ct);
        if (row is null)
        {
            return null;
        }

        if (viewer is not null && !CaseAccess.CanRead(viewer, row.Status, row.Assignee, console.Value.AdminsReadCases))
        {
            throw new UnauthorizedAccessException($"{reference} is not yours to read.");
        }

        language ??= viewer is null ? knowledge.Current.SourceLanguage : (await staff.ProfileAsync(viewer.UserId, viewer.Email, ct)).UiLanguage ?? knowledge.Current.SourceLanguage;
        using var key = row.DataKey is null ? null : keys.OpenPersonKey(row.ConversationId, row.DataKey);
        string? summaryJson = key is not null && row.Summary is not null ? key.OpenString(SealedField.HandoffSummary, 0, row.Summary) : null;
        var summary = summaryJson is null ? CaseSummaryView.Empty : CaseSummaryView.Render(summaryJson, knowledge, language);
        var consented = summary.Consent?.Given == true;
        var transcript = key is null || !consented ? [] : await TranscriptAsync(connection, row.ConversationId, row.Channel, key, -1, ct);
        var events = new List<object>();
        await using (var command = Command(connection, "SELECT at, actor, kind, detail FROM case_events WHERE case_id = @id ORDER BY id", ("id", row.Id)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                events.Add(new { at = At(reader.GetInt64(0)), actor = reader.GetString(1), kind = reader.GetString(2), detail = reader.IsDBNull(3) ? null : reader.GetString(3) });
            }
        }

        var document = new
        {
            schemaVersion = CaseExport.SchemaVersion,
            type = CaseExport.Type,
            exportedAt = time.GetUtcNow(),
            labelsLanguage = language,
            reference = row.Reference,
            status = row.Status == CaseState.Open ? row.Assignee is null ? "waiting" : "with_counsellor" : "closed",
            channel = row.Channel,
            language = row.Language,
            programme = row.Programme,
            urgency = UrgencyName(row.Urgency),
            reason = row.Reason,
            createdAt = At(row.CreatedAt),
            claimedAt = row.ClaimedAt is { } c ? At(c) : (DateTimeOffset?)null,
            firstResponseAt = row.FirstResponseAt is { } f ? At(f) : (DateTimeOffset?)null,
            closedAt = row.ClosedAt is { } x ? At(x) : (DateTimeOffset?)null,
            outcome = row.Outcome,
            counsellor = row.Assignee is null ? null : await staff.NameOfAsync(row.Assignee, ct),
            consent = summary.Consent,
            preScreen = consented ? summary.PreScreen : null,
            answers = consented ? summary.Answers : [],
            flags = summary.Flags,
            openQuestions = consented ? summary.OpenQuestions : [],
            transcriptExcerpt = transcript.TakeLast(CaseExport.ExcerptLength).Select(t => new { at = t.At, from = t.From, text = t.Text }),
            events,
            summary = summaryJson is null ? (JsonElement?)null : JsonDocument.Parse(summaryJson).RootElement.Clone(),
        };
        return JsonSerializer.SerializeToElement(document, CaseExport.Json);
    }

    private static List<Choice> ResumeChoices(CaseSummaryView summary)
    {
        var choices = new List<Choice> { new(Dialogs.ResumePoints.Menu, "The main menu") };
        if (summary.Consent?.Given == true)
        {
            choices.Add(new Choice(Dialogs.ResumePoints.Check, "The eligibility questions, from the first one not answered"));
            choices.AddRange(summary.Answers.Select(a => new Choice(Dialogs.ResumePoints.QuestionPrefix + a.Question, "Ask again: " + a.QuestionLabel)));
        }

        return choices;
    }

    private static async Task<List<TranscriptEntry>> TranscriptAsync(DbConnection connection, string conversationId, string channel, PersonKey key, long afterSeq, CancellationToken ct)
    {
        var push = channel != "directline";
        var entries = new List<TranscriptEntry>();
        await using var command = Command(connection, "SELECT seq, direction, payload, delivery, created_at, last_error FROM activities WHERE conversation_id = @c AND seq > @after ORDER BY seq LIMIT @max",
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

        return entries;
    }

    private static bool IsCounsellor(Activity activity) =>
        activity.ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("avrr", out var avrr)
        && avrr.ValueKind == JsonValueKind.Object && avrr.TryGetProperty("from", out var from) && from.GetString() == "counsellor";

    private sealed record CaseRow(long Id, string Reference, string ConversationId, CaseState Status, string Channel, string? Language, string? Programme, int Urgency, string Reason,
        string? Assignee, long CreatedAt, long? ClaimedAt, long? FirstResponseAt, long? ClosedAt, string? Outcome, byte[]? Summary, byte[]? DataKey, bool OptedOut);

    private static async Task<CaseRow?> CaseRowAsync(DbConnection connection, string reference, CancellationToken ct)
    {
        await using var command = Command(connection, """
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
        await using var command = Command(connection, "SELECT last_inbound_at, template_sent_at FROM channel_contacts WHERE conversation_id = @c", ("c", conversationId));
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

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        return command;
    }
}

/// <summary>The case export's envelope (docs/case-export.md).</summary>
public static class CaseExport
{
    public const int SchemaVersion = 1;
    public const string Type = "avrr.case";
    public const int ExcerptLength = 20;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
