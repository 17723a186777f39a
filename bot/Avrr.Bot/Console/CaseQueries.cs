using System.Text.Json;
using Avrr.Bot.Cases;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Dialogs;
using Avrr.Knowledge;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Console;

/// <summary>
/// What the console reads: the queue, a case with its summary (labels in the viewer's language), transcript with
/// ticks, notes and history, the WhatsApp window, and the supervisor's figures. Access checks are here, next to the
/// reads; the API writes the audit entry for each read.
/// </summary>
public sealed partial class CaseQueries(
    StoreConnections connections,
    KeyRing keys,
    IKnowledgeSource knowledge,
    StaffDirectory staff,
    TimeProvider time,
    IOptions<ConsoleOptions> console,
    IOptions<WhatsAppOptions> whatsApp,
    Translation.Translator translator)
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
        await using var command = connection.Command(sql, [.. parameters]);
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
        var transcript = key is null ? [] : await TranscriptAsync(connection, row.ConversationId, row.Channel, key, -1, language, ct);
        var notes = new List<NoteView>();
        await using (var command = connection.Command("SELECT at, author, body FROM case_notes WHERE case_id = @id ORDER BY id", ("id", row.Id)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var at = reader.GetInt64(0);
                notes.Add(new NoteView(At(at), await staff.NameOfAsync(reader.GetString(1), ct), key?.OpenString(SealedField.CaseNote, at, (byte[])reader.GetValue(2)) ?? ""));
            }
        }

        var events = new List<EventView>();
        await using (var command = connection.Command("SELECT at, actor, kind, detail FROM case_events WHERE case_id = @id ORDER BY id", ("id", row.Id)))
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
            ResumeChoices(summary),
            new TranslationSetting(translator.Enabled && row.Language is not null && !string.Equals(row.Language, language, StringComparison.Ordinal), translator.Provider, language, row.Language));
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
        var language = (await staff.ProfileAsync(viewer.UserId, viewer.Email, ct)).UiLanguage ?? knowledge.Current.SourceLanguage;
        return await TranscriptAsync(connection, row.ConversationId, row.Channel, key, afterSeq, language, ct);
    }

    public async Task<SupervisorView> SupervisorAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var weekAgo = now.AddDays(-7).ToUnixTimeMilliseconds();
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using var connection = await connections.OpenAsync(ct);
        var open = new List<(string Reference, int Urgency, string? Assignee, string? Language, long Created)>();
        await using (var command = connection.Command("SELECT reference, urgency, assignee, language, created_at FROM cases WHERE status = 0"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                open.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
            }
        }

        var recent = new List<(string? Assignee, long Created, long? Claimed, long? FirstResponse, long? Closed)>();
        await using (var command = connection.Command("SELECT assignee, created_at, claimed_at, first_response_at, closed_at FROM cases WHERE created_at > @since OR closed_at > @since", ("since", weekAgo)))
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
        var transcript = key is null || !consented ? [] : await TranscriptAsync(connection, row.ConversationId, row.Channel, key, -1, language, ct);
        var events = new List<object>();
        await using (var command = connection.Command("SELECT at, actor, kind, detail FROM case_events WHERE case_id = @id ORDER BY id", ("id", row.Id)))
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
}
