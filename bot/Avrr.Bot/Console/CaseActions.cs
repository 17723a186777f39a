using System.Data.Common;
using System.Text.Json;
using Avrr.Bot.Cases;
using Avrr.Bot.Changes;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;
using Avrr.Dialogs;
using Avrr.Knowledge;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Console;

/// <summary>
/// What staff do to a case, each run like a turn: under the conversation's lock (in-process and, on PostgreSQL, an
/// advisory lock), with the conversation's version check, and in one transaction with the change of owner, the message
/// that tells the person in their language, the case event and exactly one audit entry. A lost version check (the
/// person's turn got there first) runs the action again on what is now stored.
/// </summary>
internal sealed partial class CaseActions
{
    private const int MaxAttempts = 5;
    public const int MaxMessageLength = 4000;
    public const int MaxNoteLength = 10_000;

    private readonly TurnSessionPool _sessions;
    private readonly Telemetry _telemetry;
    private readonly IDialogEngine _engine;
    private readonly IKnowledgeSource _knowledge;
    private readonly ConversationLocks _locks;
    private readonly ChangeFeed _changes;
    private readonly KeyRing _keys;
    private readonly StaffDirectory _staff;
    private readonly TimeProvider _time;
    private readonly BotOptions _bot;
    private readonly bool _webhook;
    private readonly WhatsAppOptions _whatsApp;
    private readonly TimeSpan _withoutConsent;
    private readonly ILogger<CaseActions> _logger;
    private readonly StoreConnections _connections;
    private readonly Translation.Translator _translator;

    public CaseActions(
        TurnSessionPool sessions,
        IDialogEngine engine,
        IKnowledgeSource knowledge,
        ConversationLocks locks,
        ChangeFeed changes,
        KeyRing keys,
        StaffDirectory staff,
        TimeProvider time,
        IOptions<BotOptions> bot,
        IOptions<CasesOptions> cases,
        IOptions<WhatsAppOptions> whatsApp,
        IOptions<PrivacyOptions> privacy,
        StoreConnections connections,
        Translation.Translator translator,
        Telemetry telemetry,
        ILogger<CaseActions> logger)
    {
        _telemetry = telemetry;
        _connections = connections;
        _translator = translator;
        _sessions = sessions;
        _engine = engine;
        _knowledge = knowledge;
        _locks = locks;
        _changes = changes;
        _keys = keys;
        _staff = staff;
        _time = time;
        _bot = bot.Value;
        _webhook = cases.Value.Webhook.Enabled;
        _whatsApp = whatsApp.Value;
        _withoutConsent = privacy.Value.Retention.WithoutConsent;
        _logger = logger;
    }

    /// <summary>Takes a waiting case. Exclusive: of any number of counsellors claiming at once, one wins; the others learn who.</summary>
    public async Task<CaseActionResult> ClaimAsync(string reference, StaffMember staff, CancellationToken ct)
    {
        using var span = Telemetry.Traces.StartActivity("avrr.case.claim");
        var result = await ClaimOnceAsync(reference, staff, ct);
        span?.SetTag("avrr.case.result", result.GetType().Name.ToLowerInvariant());
        return result;
    }

    private Task<CaseActionResult> ClaimOnceAsync(string reference, StaffMember staff, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        if (!staff.TakesCases)
        {
            return new CaseActionResult.Forbidden("Only counsellors and supervisors take cases.");
        }

        if (await turn.Session.ClaimCaseAsync(turn.Case.Id, staff.UserId, turn.Now, ct) is not { } opened)
        {
            var holder = await turn.Session.AssigneeOfAsync(turn.Case.Id, ct);
            return new CaseActionResult.Conflict(holder == staff.UserId
                ? $"You already have {reference}."
                : $"{reference} has already been taken by {await _staff.NameOfAsync(holder, ct)}.");
        }

        turn.Owner = ConversationOwner.Counsellor;
        turn.OnCommitted.Add(() => _telemetry.QueueWait(TimeSpan.FromMilliseconds(turn.Now - opened), turn.Conversation.Channel));
        turn.Tell(new CaseNotice.Joined(staff.DisplayName));
        await turn.EventAsync("claimed", staff.DisplayName);
        await turn.AuditAsync("case.claim", null);
        return new CaseActionResult.Done();
    }, ct);

    /// <summary>Auto-assignment: like a claim made for <paramref name="counsellor"/>, so it never takes a case someone claimed meanwhile.</summary>
    public Task<CaseActionResult> AssignAsync(string reference, StaffMember counsellor, CancellationToken ct) => RunAsync(reference, StaffDirectory.System, async turn =>
    {
        if (await turn.Session.ClaimCaseAsync(turn.Case.Id, counsellor.UserId, turn.Now, ct) is not { } opened)
        {
            return new CaseActionResult.Conflict($"{reference} was claimed meanwhile.");
        }

        turn.Owner = ConversationOwner.Counsellor;
        turn.OnCommitted.Add(() => _telemetry.QueueWait(TimeSpan.FromMilliseconds(turn.Now - opened), turn.Conversation.Channel));
        turn.Tell(new CaseNotice.Joined(counsellor.DisplayName));
        await turn.EventAsync("assigned", counsellor.DisplayName);
        await turn.AuditAsync("case.assign", $"auto-assigned to {counsellor.Email}");
        return new CaseActionResult.Done();
    }, ct);

    /// <summary>A private note: sealed, stored apart from the transcript, never sent anywhere.</summary>
    public Task<CaseActionResult> NoteAsync(string reference, StaffMember staff, string text, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        text = text.Trim();
        if (text.Length is 0 or > MaxNoteLength)
        {
            return new CaseActionResult.Invalid($"Write between 1 and {MaxNoteLength} characters.");
        }

        if (!CaseAccess.CanManage(staff, turn.Case.Assignee))
        {
            return new CaseActionResult.Forbidden("Only the counsellor who has the case, or a supervisor, adds notes.");
        }

        await turn.Session.InsertNoteAsync(turn.Case.Id, staff.UserId, turn.Key, turn.Now, text, ct);
        await turn.EventAsync("note", null);
        await turn.AuditAsync("case.note", $"{text.Length} characters");
        return new CaseActionResult.Done();
    }, ct);

    /// <summary>To a colleague: by the counsellor who has the case, or by a supervisor (also a waiting case, or another's).</summary>
    public Task<CaseActionResult> TransferAsync(string reference, StaffMember staff, string toUserId, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        if (!CaseAccess.CanManage(staff, turn.Case.Assignee))
        {
            return new CaseActionResult.Forbidden("Only the counsellor who has the case, or a supervisor, transfers it.");
        }

        var colleague = await _staff.FindAsync(toUserId, ct);
        if (colleague is null || !colleague.TakesCases)
        {
            return new CaseActionResult.Invalid("Choose a counsellor to transfer to.");
        }

        if (colleague.UserId == turn.Case.Assignee)
        {
            return new CaseActionResult.Conflict($"{colleague.DisplayName} already has {reference}.");
        }

        var from = turn.Case.Assignee;
        await turn.Session.AssignCaseAsync(turn.Case.Id, colleague.UserId, turn.Now, ct);
        turn.Owner = ConversationOwner.Counsellor;
        turn.Tell(from is null ? new CaseNotice.Joined(colleague.DisplayName) : new CaseNotice.Transferred(colleague.DisplayName));
        await turn.EventAsync("transferred", $"{(from is null ? "the queue" : await _staff.NameOfAsync(from, ct))} → {colleague.DisplayName}");
        await turn.AuditAsync("case.transfer", $"to {colleague.Email}");
        return new CaseActionResult.Done();
    }, ct);

    /// <summary>Back to the queue: the counsellor has to leave, or (with a system actor) nobody answered in time.</summary>
    public Task<CaseActionResult> ReleaseAsync(string reference, StaffMember staff, string why, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        if (turn.Case.Assignee is null)
        {
            return new CaseActionResult.Conflict($"{reference} is already waiting in the queue.");
        }

        if (!CaseAccess.CanManage(staff, turn.Case.Assignee) && staff != StaffDirectory.System)
        {
            return new CaseActionResult.Forbidden("Only the counsellor who has the case, or a supervisor, puts it back in the queue.");
        }

        await turn.Session.AssignCaseAsync(turn.Case.Id, null, turn.Now, ct);
        turn.Owner = ConversationOwner.Queued;
        turn.Tell(new CaseNotice.Left());
        await turn.EventAsync("released", why);
        await turn.AuditAsync("case.release", why);
        return new CaseActionResult.Done();
    }, ct);

    /// <summary>The bot takes over again at the menu or at a chosen step; the case closes as handed back.</summary>
    public Task<CaseActionResult> HandBackAsync(string reference, StaffMember staff, string resumeAt, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        if (!CaseAccess.CanManage(staff, turn.Case.Assignee))
        {
            return new CaseActionResult.Forbidden("Only the counsellor who has the case, or a supervisor, hands it back.");
        }

        if (!IsResumePoint(resumeAt))
        {
            return new CaseActionResult.Invalid($"Unknown place to resume: '{resumeAt}'.");
        }

        await turn.CloseAsync("handed_back");
        turn.Tell(new CaseNotice.HandedBack(resumeAt));
        await turn.EventAsync("handed_back", resumeAt);
        await turn.AuditAsync("case.hand_back", resumeAt);
        return new CaseActionResult.Done();
    }, ct);

    /// <summary>Closes the case with an outcome from content; the person is told, and the bot answers again if they write.</summary>
    public Task<CaseActionResult> CloseAsync(string reference, StaffMember staff, string outcome, CancellationToken ct) => RunAsync(reference, staff, async turn =>
    {
        if (!CaseAccess.CanManage(staff, turn.Case.Assignee))
        {
            return new CaseActionResult.Forbidden("Only the counsellor who has the case, or a supervisor, closes it.");
        }

        if (_knowledge.Current.Service.Outcomes.All(o => o.Id != outcome))
        {
            return new CaseActionResult.Invalid($"Choose an outcome from the list (content.yaml service.outcomes); '{outcome}' is not one.");
        }

        await turn.CloseAsync(outcome);
        turn.Tell(new CaseNotice.Closed(reference));
        await turn.EventAsync("closed", outcome);
        await turn.AuditAsync("case.close", outcome);
        return new CaseActionResult.Done();
    }, ct);

    private static bool IsResumePoint(string at) =>
        at is ResumePoints.Menu or ResumePoints.Check
        || at.StartsWith(ResumePoints.QuestionPrefix, StringComparison.Ordinal) && at.Length > ResumePoints.QuestionPrefix.Length && at.Length <= 100;

    private async Task<CaseActionResult> RunAsync(string reference, StaffMember staff, Func<StaffTurn, Task<CaseActionResult>> action, CancellationToken ct)
    {
        var conversationId = await _staff.ConversationOfOpenCaseAsync(reference, ct);
        if (conversationId is null)
        {
            return await _staff.CaseExistsAsync(reference, ct) ? new CaseActionResult.Conflict($"{reference} is closed.") : new CaseActionResult.NotFound();
        }

        using var _ = await _locks.AcquireAsync(conversationId, ct);
        for (var attempt = 1; ; attempt++)
        {
            var lease = await _sessions.AcquireAsync(ct);
            var broken = false;
            StaffTurn? turn = null;
            CaseActionResult result;
            try
            {
                var session = lease.Session;
                await session.BeginAsync(ct);
                await session.LockConversationAsync(conversationId, ct);
                var conversation = await session.LoadAsync(conversationId, ct);
                if (conversation?.Case is not { } openCase || openCase.Reference != reference || conversation.DataKey is null)
                {
                    await session.RollbackAsync();
                    return new CaseActionResult.Conflict($"{reference} is closed, or the person's data was erased meanwhile.");
                }

                turn = new StaffTurn(this, session, conversationId, conversation, openCase, staff, _time.GetUtcNow());
                result = await action(turn);
                if (result is not CaseActionResult.Done)
                {
                    await session.RollbackAsync();
                    return result;
                }

                if (!await turn.SaveAsync(ct))
                {
                    await session.RollbackAsync();
                    result = null!;
                }
                else
                {
                    await session.AnnounceAsync(_changes, turn.Change, ct);
                    await session.CommitAsync(ct);
                }
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                broken = true;
                throw;
            }
            finally
            {
                turn?.Dispose();
                await lease.ReleaseAsync(broken);
            }

            if (result is not null)
            {
                _changes.Local(turn!.Change);
                foreach (var record in turn.OnCommitted)
                {
                    record();
                }

                Log.Done(_logger, turn.Action ?? "action", reference);
                return result;
            }

            if (attempt == MaxAttempts)
            {
                throw new TurnConflictException($"A staff action on {reference} lost the version check {MaxAttempts} times.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), _time, ct);
        }
    }

    private static readonly JsonElement CounsellorMark = JsonDocument.Parse("""{"avrr":{"from":"counsellor"}}""").RootElement.Clone();

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Staff {Action} on case {Reference}")]
        public static partial void Done(ILogger logger, string action, string reference);
    }
}
