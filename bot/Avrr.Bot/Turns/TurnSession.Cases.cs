using Avrr.Bot.Audit;
using Avrr.Bot.Changes;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Turns;

/// <summary>The case statements a turn (or a staff action, which runs like a turn) writes in its transaction.</summary>
internal sealed partial class TurnSession
{
    /// <returns>The new case's id, or null when the reference is taken (the turn runs again with another).</returns>
    public async Task<long?> OpenCaseAsync(string conversationId, string reference, string channel, string? language, string? programme, int urgency, string reason, byte[] summary, long now, CancellationToken ct)
    {
        await using var command = Create(
            $"""
            INSERT INTO cases (reference, conversation_id, status, channel, language, programme, urgency, reason, created_at, updated_at, version, summary)
            VALUES (@reference, @conversation_id, {(int)CaseState.Open}, @channel, @language, @programme, @urgency, @reason, @now, @now, 1, @summary)
            ON CONFLICT (reference) DO NOTHING
            RETURNING id
            """,
            "reference", "conversation_id", "channel", "language", "programme", "urgency", "reason", "now", "summary");
        var id = await Scalar(command, ct, reference, conversationId, channel, language, programme, urgency, reason, now, summary);
        return id is null ? null : Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A new disclosure or request on an open case: the highest urgency stays, the summary is the newest.</summary>
    public async Task EscalateCaseAsync(long caseId, int urgency, byte[] summary, long now, CancellationToken ct)
    {
        await using var command = Create(
            "UPDATE cases SET urgency = CASE WHEN @urgency > urgency THEN @urgency ELSE urgency END, summary = @summary, updated_at = @now, version = version + 1 WHERE id = @id",
            "urgency", "summary", "now", "id");
        await Execute(command, ct, urgency, summary, now, caseId);
    }

    /// <summary>The person wrote while their case is open: the console shows how long they have waited for an answer.</summary>
    public async Task TouchCaseAsync(long caseId, string? language, long now, CancellationToken ct)
    {
        _touchCase ??= Prepare(
            "UPDATE cases SET last_inbound_at = @now, language = COALESCE(@language, language), updated_at = @now WHERE id = @id",
            "now", "language", "id");
        await Execute(_touchCase, ct, now, language, caseId);
    }

    public async Task CaseEventAsync(long caseId, string actor, string kind, string? detail, long now, CancellationToken ct)
    {
        await using var command = Create("INSERT INTO case_events (case_id, at, actor, kind, detail) VALUES (@case_id, @at, @actor, @kind, @detail)", "case_id", "at", "actor", "kind", "detail");
        await Execute(command, ct, caseId, now, Trim(actor, 256), kind, detail is null ? null : Trim(detail, 300));
    }

    /// <summary>The other-language side of a message written in this transaction (a counsellor's original words).</summary>
    public async Task InsertTranslationAsync(string conversationId, long seq, string language, Translation.TranslationSide side, byte[]? text, string provider, string? note, long now, CancellationToken ct)
    {
        await using var command = Create(
            "INSERT INTO message_translations (conversation_id, seq, language, side, text, provider, note, created_at) VALUES (@c, @seq, @language, @side, @text, @provider, @note, @now)",
            "c", "seq", "language", "side", "text", "provider", "note", "now");
        await Execute(command, ct, conversationId, seq, language, (int)side, text, provider, note, now);
    }

    /// <summary>A webhook delivery for the case, sent by the webhook relay after commit (and retried until it lands).</summary>
    public async Task QueueWebhookAsync(long caseId, string caseEvent, long now, CancellationToken ct)
    {
        await using var command = Create(
            "INSERT INTO case_webhooks (case_id, event, created_at, attempts, next_attempt_at) VALUES (@case_id, @event, @now, 0, @now)", "case_id", "event", "now");
        await Execute(command, ct, caseId, caseEvent, now);
    }

    /// <summary>The claim: a conditional update, so of many counsellors claiming at once exactly one gets the row.</summary>
    /// <returns>When the case was opened (for the queue-wait metric), or null when someone else has it.</returns>
    public async Task<long?> ClaimCaseAsync(long caseId, string userId, long now, CancellationToken ct)
    {
        await using var command = Create(
            $"UPDATE cases SET assignee = @assignee, claimed_at = COALESCE(claimed_at, @now), updated_at = @now, version = version + 1 WHERE id = @id AND status = {(int)CaseState.Open} AND assignee IS NULL RETURNING created_at",
            "assignee", "now", "id");
        var created = await Scalar(command, ct, userId, now, caseId);
        return created is null ? null : Convert.ToInt64(created, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string?> AssigneeOfAsync(long caseId, CancellationToken ct)
    {
        await using var command = Create("SELECT assignee FROM cases WHERE id = @id", "id");
        return await Scalar(command, ct, caseId) as string;
    }

    /// <summary>A transfer (or, with null, back to the queue). A new owner's wait for a first answer starts now.</summary>
    public async Task AssignCaseAsync(long caseId, string? userId, long now, CancellationToken ct)
    {
        await using var command = Create(
            "UPDATE cases SET assignee = @assignee, claimed_at = CASE WHEN @assignee IS NULL THEN claimed_at ELSE @now END, updated_at = @now, version = version + 1 WHERE id = @id",
            "assignee", "now", "id");
        await Execute(command, ct, userId, now, caseId);
    }

    /// <returns>When the case was opened, when this is the counsellor's first message (for the first-response metric).</returns>
    public async Task<long?> RepliedAsync(long caseId, long now, CancellationToken ct)
    {
        await using var command = Create(
            "UPDATE cases SET first_response_at = COALESCE(first_response_at, @now), last_reply_at = @now, updated_at = @now, version = version + 1 WHERE id = @id RETURNING CASE WHEN first_response_at = @now THEN created_at END",
            "now", "id");
        var created = await Scalar(command, ct, now, caseId);
        return created is null ? null : Convert.ToInt64(created, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task CloseCaseAsync(long caseId, string outcome, long now, CancellationToken ct)
    {
        await using var command = Create(
            $"UPDATE cases SET status = {(int)CaseState.Closed}, outcome = @outcome, closed_at = @now, updated_at = @now, version = version + 1 WHERE id = @id", "outcome", "now", "id");
        await Execute(command, ct, outcome, now, caseId);
    }

    /// <summary>A private note, sealed with the person's key (bound to its case and time), never part of the transcript.</summary>
    public async Task InsertNoteAsync(long caseId, string author, Privacy.PersonKey key, long now, string text, CancellationToken ct)
    {
        await using var command = Create("INSERT INTO case_notes (case_id, author, at, body) VALUES (@case_id, @author, @at, @body)", "case_id", "author", "at", "body");
        await Execute(command, ct, caseId, author, now, key.Seal(Privacy.SealedField.CaseNote, now, text));
    }

    /// <summary>When the person last wrote on WhatsApp, and when a re-engagement template last went out.</summary>
    public async Task<ContactWindow> ContactWindowAsync(string conversationId, CancellationToken ct)
    {
        await using var command = Create("SELECT last_inbound_at, template_sent_at FROM channel_contacts WHERE conversation_id = @id", "id");
        command.Transaction = _transaction;
        command.Parameters[0].Value = conversationId;
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return new ContactWindow(null, null);
        }

        return new ContactWindow(
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
            reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
    }

    public async Task TemplateQueuedAsync(string conversationId, long now, CancellationToken ct)
    {
        await using var command = Create("UPDATE channel_contacts SET template_sent_at = @now WHERE conversation_id = @id", "now", "id");
        await Execute(command, ct, now, conversationId);
    }

    /// <summary>One audit entry, in the same transaction as the action it records.</summary>
    public async Task AuditAsync(string actor, string action, string target, string? detail, long now, CancellationToken ct)
    {
        await using var command = Create(AuditTrail.InsertSql, "at", "actor", "action", "target", "detail");
        await Execute(command, ct, now, AuditTrail.Clip(actor, 256), action, AuditTrail.Clip(target, 300), detail is null ? null : AuditTrail.Clip(detail, 4000));
    }

    /// <summary>How long people waited for a counsellor lately: the median of the last 50 claims within a week.</summary>
    public async Task<TimeSpan?> ExpectedWaitAsync(long now, CancellationToken ct)
    {
        await using var command = Create(
            "SELECT claimed_at - created_at FROM cases WHERE claimed_at IS NOT NULL AND claimed_at > @since ORDER BY claimed_at DESC LIMIT 50", "since");
        command.Transaction = _transaction;
        command.Parameters[0].Value = now - (long)TimeSpan.FromDays(7).TotalMilliseconds;
        var waits = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                waits.Add(reader.GetInt64(0));
            }
        }

        if (waits.Count < 3)
        {
            return null;
        }

        waits.Sort();
        return TimeSpan.FromMilliseconds(waits[waits.Count / 2]);
    }

    /// <summary>Announces a change to the other instances when this transaction commits.</summary>
    public Task AnnounceAsync(ChangeFeed feed, Change change, CancellationToken ct) => feed.AnnounceAsync(_connection, _transaction, change, ct);

    private async Task<object?> Scalar(System.Data.Common.DbCommand command, CancellationToken ct, params object?[] values)
    {
        command.Transaction = _transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    private static string Trim(string text, int max) => text.Length > max ? text[..max] : text;
}
