using System.Data.Common;
using Avrr.Bot.Activities;
using Avrr.Bot.Cases;
using Avrr.Bot.Changes;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Dialogs;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Turns;

/// <summary>
/// The one channel-agnostic turn: dedupe → per-conversation order → load state → dialog → one transaction with the
/// inbox record, the new state (version-checked) and the outgoing activities → delivery. Channels only translate.
/// </summary>
internal sealed partial class TurnPipeline
{
    private const int MaxAttempts = 5;

    private readonly TurnSessionPool _sessions;
    private readonly IDialogEngine _engine;
    private readonly ConversationLocks _locks;
    private readonly ChangeFeed _changes;
    private readonly KeyRing _keys;
    private readonly BlindIndex _index;
    private readonly ErasureFollowUp _erasures;
    private readonly TimeProvider _time;
    private readonly BotOptions _bot;
    private readonly RetentionOptions _retention;
    private readonly bool _webhook;
    private readonly ILogger<TurnPipeline> _logger;
    private readonly Translation.Translator _translator;
    private readonly Avrr.Knowledge.IKnowledgeSource _knowledge;
    private readonly Telemetry _telemetry;
    private readonly HandoffEvents _handoffEvents;

    public TurnPipeline(
        TurnSessionPool sessions,
        IDialogEngine engine,
        ConversationLocks locks,
        ChangeFeed changes,
        KeyRing keys,
        BlindIndex index,
        ErasureFollowUp erasures,
        TimeProvider time,
        IOptions<BotOptions> bot,
        IOptions<PrivacyOptions> privacy,
        IOptions<Cases.CasesOptions> cases,
        Translation.Translator translator,
        Avrr.Knowledge.IKnowledgeSource knowledge,
        Telemetry telemetry,
        HandoffEvents handoffEvents,
        ILogger<TurnPipeline> logger)
    {
        _handoffEvents = handoffEvents;
        _telemetry = telemetry;
        _translator = translator;
        _knowledge = knowledge;
        _sessions = sessions;
        _engine = engine;
        _locks = locks;
        _changes = changes;
        _keys = keys;
        _index = index;
        _erasures = erasures;
        _time = time;
        _bot = bot.Value;
        _retention = privacy.Value.Retention;
        _webhook = cases.Value.Webhook.Enabled;
        _logger = logger;
    }

    /// <summary>Runs the turn now, recording the inbox entry in the turn's own transaction.</summary>
    public Task<TurnOutcome> ProcessAsync(InboundMessage message, CancellationToken ct) => RunAsync(message, pendingInboxId: null, ct);

    /// <summary>Runs the turn for a message that was acknowledged earlier and waits in the inbox.</summary>
    internal Task<TurnOutcome> ProcessPendingAsync(InboundMessage message, long inboxId, CancellationToken ct) => RunAsync(message, inboxId, ct);

    private async Task<TurnOutcome> RunAsync(InboundMessage message, long? pendingInboxId, CancellationToken ct)
    {
        using var span = Telemetry.Traces.StartActivity("avrr.turn");
        span?.SetTag("avrr.channel", message.Channel);
        var started = _time.GetTimestamp();
        var outcome = await RunLockedAsync(message, pendingInboxId, ct);
        var status = outcome.Status.ToString();
        span?.SetTag("avrr.turn.status", status);
        _telemetry.Turn(message.Channel, status, _time.GetElapsedTime(started));
        return outcome;
    }

    private async Task<TurnOutcome> RunLockedAsync(InboundMessage message, long? pendingInboxId, CancellationToken ct)
    {
        using var _ = await _locks.AcquireAsync(message.ConversationId, ct);
        for (var attempt = 1; ; attempt++)
        {
            var lease = await _sessions.AcquireAsync(ct);
            var broken = false;
            TurnOutcome? outcome;
            try
            {
                outcome = await TryTurnAsync(lease.Session, message, pendingInboxId, ct);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                broken = true;
                throw;
            }
            finally
            {
                await lease.ReleaseAsync(broken);
            }

            if (outcome?.Wanted is { } wanted)
            {
                // Not a conflict: the same turn runs again with the translation (at most once per kind, see TurnPipeline.Translation.cs).
                message = await TranslateForDialogAsync(message, wanted, ct);
                attempt--;
                continue;
            }

            if (outcome is not null)
            {
                if (outcome.Status is not (TurnStatus.Duplicate or TurnStatus.Dropped))
                {
                    AfterCommit(message, outcome);
                }

                return outcome;
            }

            Log.VersionConflict(_logger, message.Channel, attempt);
            if (attempt == MaxAttempts)
            {
                throw new TurnConflictException($"Turn for a {message.Channel} conversation lost the version check {MaxAttempts} times.");
            }

            // Jittered back-off so two writers that collided do not collide again in lockstep.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), _time, ct);
        }
    }

    /// <returns>The outcome, or null when the version check failed and the whole turn must run again.</returns>
    private async Task<TurnOutcome?> TryTurnAsync(TurnSession session, InboundMessage message, long? pendingInboxId, CancellationToken ct)
    {
        await session.BeginAsync(ct);
        await session.LockConversationAsync(message.ConversationId, ct);
        var now = _time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var conversationId = message.ConversationId;

        var fresh = pendingInboxId is { } inboxId
            ? await session.MarkInboxProcessedAsync(inboxId, ct)
            : await session.TryInsertInboxAsync(message.Channel, _index.Hash(message.Channel, message.ExternalId), conversationId, nowMs, ct);
        if (!fresh)
        {
            await session.RollbackAsync();
            Log.Duplicate(_logger, message.Channel);
            return TurnOutcome.Duplicate;
        }

        var conversation = await session.LoadAsync(conversationId, ct);
        if (conversation is null && message.Delivery == DeliveryMode.Push || conversation is { ErasedAt: not null } || conversation is not null && conversation.Channel != message.Channel)
        {
            // A push conversation is created when its message arrives; gone now means the person's data was erased
            // (or expired) meanwhile, and this message went with it. Never mix channels in one conversation.
            await session.CommitAsync(ct);
            Log.Dropped(_logger, message.Channel);
            return TurnOutcome.Dropped;
        }

        byte[]? newDataKey = null;
        var key = conversation?.DataKey is { } wrapped ? _keys.OpenPersonKey(conversationId, wrapped) : _keys.NewPersonKey(conversationId, out newDataKey);
        try
        {
            return await TryTurnAsync(session, message, conversation, key, newDataKey, now, ct);
        }
        finally
        {
            key.Dispose();
        }
    }

    private async Task<TurnOutcome?> TryTurnAsync(TurnSession session, InboundMessage message, LoadedConversation? conversation, PersonKey key, byte[]? newDataKey, DateTimeOffset now, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var conversationId = message.ConversationId;
        var seq = conversation?.NextSeq ?? 0;
        var inbound = message.Activity;
        inbound.Id = StoredActivity.IdFor(conversationId, seq);
        inbound.Timestamp = now;
        inbound.ChannelId = message.Channel;
        inbound.Conversation = new ConversationAccount { Id = conversationId };
        var inboundStored = new StoredActivity(conversationId, seq, ActivityDirection.In, inbound);
        seq++;

        // The case decides who owns the conversation: without an open case the bot does, whatever the row says.
        var openCase = conversation?.Case;
        var owner = openCase is null ? ConversationOwner.Bot : conversation!.Owner == ConversationOwner.Counsellor ? ConversationOwner.Counsellor : ConversationOwner.Queued;
        var optedOut = conversation?.OptedOut ?? false;
        var state = conversation?.State is { } storedState ? key.OpenString(SealedField.ConversationState, 0, storedState) : null;
        var outgoing = new List<StoredActivity>();
        IReadOnlyList<DialogSignal> signals = [];
        var status = TurnStatus.Processed;
        var keepTranscript = true;
        string? language = null;
        HandoffRequested? handoff = null;
        string? newReference = null;

        if (ShouldRunDialog(inbound, conversation is null or { NextSeq: 0 }))
        {
            var result = _engine.Run(state, ToTurnInput(message, now, owner, openCase));
            if (TranslationToAsk(message, result.Signals) is { } wanted)
            {
                await session.RollbackAsync();
                return new TurnOutcome(TurnStatus.Processed, null, []) { Wanted = wanted };
            }

            state = result.State;
            signals = result.Signals;
            keepTranscript = result.KeepTranscript;
            language = result.Language;
            optedOut = signals.Any(s => s is OptedOut);
            var replies = result.Replies;
            handoff = signals.Any(s => s is EraseRequested) ? null : signals.OfType<HandoffRequested>().MaxBy(h => h.Urgency);
            if (handoff is not null && openCase is null)
            {
                // The case opens in this transaction, and the person is told their reference and the wait with it.
                newReference = CaseReferences.New();
                var queued = _engine.Notify(state, new CaseNotice.Queued(newReference, await session.ExpectedWaitAsync(nowMs, ct)), message.Capabilities, now);
                state = queued.State;
                replies = [.. replies, .. queued.Replies];
                owner = ConversationOwner.Queued;
            }

            if (owner != ConversationOwner.Bot && replies.Count == 0 && signals.Count == 0)
            {
                // Only the owner speaks: the message waits for the counsellor and the bot stays silent.
                status = TurnStatus.HeldForCounsellor;
            }

            for (var i = 0; i < replies.Count; i++)
            {
                // Strictly later timestamps keep the replies after the echo in clients that sort by time.
                var activity = ActivityFactory.FromReply(replies[i], inbound, conversationId, seq, now.AddMilliseconds(i + 1), _bot);
                outgoing.Add(new StoredActivity(conversationId, seq, ActivityDirection.Out, activity));
                seq++;
            }

            if (newReference is not null && _handoffEvents.Wanted(message.Channel))
            {
                outgoing.Add(HandoffEvent(conversationId, seq++, newReference, handoff!, language, now));
            }
        }

        var erase = signals.Any(s => s is EraseRequested);
        PersonKey? receiptKey = null;
        byte[]? erasedDataKey = null;
        byte[]? resealedAddress = null;
        if (erase)
        {
            // A new key for what this turn writes; the old one, and everything sealed with it, is destroyed below.
            receiptKey = _keys.NewPersonKey(conversationId, out erasedDataKey);
            if (conversation?.ChannelAddress is { } address)
            {
                resealedAddress = receiptKey.Seal(SealedField.ChannelAddress, 0, key.Open(SealedField.ChannelAddress, 0, address));
            }

            owner = ConversationOwner.Bot;
        }

        Change change;
        try
        {
            var writeKey = receiptKey ?? key;

            // The version check comes first: it takes the conversation's row lock, so on PostgreSQL a second instance
            // running the same conversation waits here, then fails the check and retries, before it writes anything else.
            var sealedState = state is null ? null : writeKey.Seal(SealedField.ConversationState, 0, state);
            var saved = conversation is null
                ? await session.InsertConversationAsync(conversationId, message.Channel, newDataKey!, sealedState, seq, optedOut, nowMs, ct)
                : await session.UpdateConversationAsync(conversationId, conversation.Version, sealedState, seq, owner, optedOut, nowMs, ct);
            if (!saved)
            {
                await session.RollbackAsync();
                return null;
            }

            var push = message.Delivery == DeliveryMode.Push;
            if (erase)
            {
                await session.EraseAsync(conversationId, message.Channel, inboundStored.Seq, erasedDataKey!, resealedAddress, nowMs, push, ct);
                Log.Erased(_logger, message.Channel);
            }

            // Without consent nothing is kept beyond delivery: a push channel needs no copy of what the person wrote,
            // and web chat reads its echo and the replies before they expire.
            long? expiresAt = keepTranscript ? null : (now + _retention.WithoutConsent).ToUnixTimeMilliseconds();
            if (!push || keepTranscript && !erase)
            {
                await session.InsertActivityAsync(conversationId, inboundStored.Seq, ActivityDirection.In, Seal(writeKey, inboundStored.Seq, inbound), nowMs, DeliveryStatus.None, expiresAt, ct);
            }

            // Counted always; the pointer to the words only when the person agreed that what they write is kept.
            await session.CountUnansweredAsync(signals.OfType<QuestionUnanswered>(), keepTranscript && !erase ? inboundStored : null, UnansweredQuestions.DayOf(now), ct);

            var delivery = push ? DeliveryStatus.Pending : DeliveryStatus.None;
            foreach (var reply in outgoing)
            {
                await session.InsertActivityAsync(conversationId, reply.Seq, ActivityDirection.Out, Seal(writeKey, reply.Seq, reply.Activity), nowMs, delivery, expiresAt, ct);
            }

            var reference = await WriteCaseAsync(session, message, openCase, handoff, newReference, language, writeKey, inbound.Type == ActivityTypes.Message && !erase, nowMs, ct);
            if (newReference is not null && reference is null)
            {
                // The random reference was taken: the whole turn runs again with another one.
                await session.RollbackAsync();
                return null;
            }

            var last = outgoing.Count > 0 ? outgoing[^1].Seq : inboundStored.Seq;
            change = new Change(conversationId, last, push && outgoing.Count > 0, reference ?? (erase ? openCase?.Reference : null), handoff?.Urgency == HandoffUrgency.Urgent);
            await session.AnnounceAsync(_changes, change, ct);
            await session.CommitAsync(ct);
        }
        finally
        {
            receiptKey?.Dispose();
        }

        if (erase)
        {
            _erasures.Erased();
        }

        return new TurnOutcome(status, inboundStored, outgoing) { Change = change };
    }

    private void AfterCommit(InboundMessage message, TurnOutcome outcome)
    {
        if (string.Equals(_bot.Failpoint, "after_commit_before_delivery", StringComparison.Ordinal))
        {
            // Test hook for crash recovery: die like kill -9 between commit and delivery.
            Environment.FailFast("failpoint after_commit_before_delivery");
        }

        _changes.Local(outcome.Change);
        Log.TurnCompleted(_logger, message.Channel, outcome.Status, outcome.Outgoing.Count);
    }

    private static bool ShouldRunDialog(Activity inbound, bool isNewConversation) => inbound.Type switch
    {
        ActivityTypes.Message => true,
        // A client announcing itself starts the conversation (the greeting) once, never again on reconnects.
        ActivityTypes.Event or ActivityTypes.ConversationUpdate => isNewConversation,
        _ => false,
    };

    private static TurnInput ToTurnInput(InboundMessage message, DateTimeOffset now, ConversationOwner owner, OpenCase? openCase)
    {
        var activity = message.Activity;
        var isMessage = activity.Type == ActivityTypes.Message;
        return new TurnInput(
            isMessage ? activity.Text : null,
            isMessage ? ActivityJson.ChoiceValue(activity) : null,
            activity.Locale,
            message.Capabilities,
            now,
            message.StartParameter)
        {
            Channel = message.Channel,
            Case = openCase is null ? CaseStatus.None : owner == ConversationOwner.Counsellor ? CaseStatus.WithCounsellor : CaseStatus.Waiting,
            CaseReference = openCase?.Reference,
            TextInSourceLanguage = message.TextInSourceLanguage,
            ArticleTranslation = message.ArticleTranslation,
        };
    }

    private static byte[] Seal(PersonKey key, long seq, Activity activity) =>
        ActivityJson.SerializeSealed(activity, (key, seq), static (state, utf8) => state.key.Seal(SealedField.Activity, state.seq, utf8));
}

public sealed class TurnConflictException(string message) : Exception(message);
