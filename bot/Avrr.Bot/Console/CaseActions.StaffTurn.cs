using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Bot.Cases;
using Avrr.Bot.Changes;
using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;
using Avrr.Dialogs;

namespace Avrr.Bot.Console;

internal sealed partial class CaseActions
{
    /// <summary>One staff action in progress: the conversation as loaded, what it will write, and the helpers to write it.</summary>
    private sealed class StaffTurn : IDisposable
    {
        private readonly CaseActions _actions;
        private readonly List<(long Seq, Activity Activity, DeliveryStatus Delivery)> _outgoing = [];
        private readonly List<(long Seq, string Language, Translation.TranslationSide Side, string? Text, string Provider, string? Note)> _translations = [];
        private string? _state;
        private bool _keep = true;
        private long _nextSeq;

        public StaffTurn(CaseActions actions, TurnSession session, string conversationId, LoadedConversation conversation, OpenCase openCase, StaffMember staff, DateTimeOffset now)
        {
            _actions = actions;
            Session = session;
            ConversationId = conversationId;
            Conversation = conversation;
            Case = openCase;
            Staff = staff;
            NowAt = now;
            Key = actions._keys.OpenPersonKey(conversationId, conversation.DataKey!);
            _state = conversation.State is { } sealedState ? Key.OpenString(SealedField.ConversationState, 0, sealedState) : null;
            _nextSeq = conversation.NextSeq;
            Owner = conversation.Owner;
            Language = openCase.Language;
        }

        public TurnSession Session { get; }

        public string ConversationId { get; }

        public LoadedConversation Conversation { get; }

        public OpenCase Case { get; }

        public StaffMember Staff { get; }

        public PersonKey Key { get; }

        public DateTimeOffset NowAt { get; }

        public long Now => NowAt.ToUnixTimeMilliseconds();

        public string Channel => Conversation.Channel;

        // Every channel but web chat is pushed by the outbox; web chat reads its transcript.
        public bool Push => Channel != DirectLine.DirectLineEndpoints.ChannelName;

        public string? Language { get; }

        public ConversationOwner Owner { get; set; }

        /// <summary>What to record once the action is durable (metrics), not on a run that is undone and tried again.</summary>
        public List<Action> OnCommitted { get; } = [];

        public string? Action { get; private set; }

        public Change Change { get; private set; }

        /// <summary>Tells the person, in their language, what happened; a hand-back also moves their dialog.</summary>
        public void Tell(CaseNotice notice)
        {
            var result = _actions._engine.Notify(_state, notice, CaseChannels.Capabilities(Channel), NowAt);
            _state = result.State;
            _keep = result.KeepTranscript;
            for (var i = 0; i < result.Replies.Count; i++)
            {
                var reply = result.Replies[i];
                var activity = ActivityFactory.FromReply(reply, new Activity { ChannelId = Channel }, ConversationId, _nextSeq, NowAt.AddMilliseconds(i), _actions._bot);
                _outgoing.Add((_nextSeq++, activity, Push ? DeliveryStatus.Pending : DeliveryStatus.None));
            }
        }

        /// <summary>A counsellor's message: from the bot's account, named after the counsellor, marked for the console.</summary>
        /// <summary>The other-language side of a message this action writes, saved after it (it belongs to the message's row).</summary>
        public void Translated(long seq, string language, Translation.TranslationSide side, string? text, string provider, string? note) =>
            _translations.Add((seq, language, side, text, provider, note));

        public long Write(string text, string counsellor, DeliveryStatus delivery)
        {
            var activity = Counsellor(counsellor);
            activity.Text = text;
            _outgoing.Add((_nextSeq, activity, delivery));
            return _nextSeq++;
        }

        public long WriteTemplate(string name, string languageCode, string counsellor)
        {
            var activity = Counsellor(counsellor);
            activity.Text = $"[WhatsApp template {name}]";
            activity.ChannelData = JsonSerializer.SerializeToElement(new { avrr = new { from = "counsellor", template = new { name, language = languageCode } } });
            _outgoing.Add((_nextSeq, activity, DeliveryStatus.Pending));
            return _nextSeq++;
        }

        private Activity Counsellor(string name) => new()
        {
            Type = ActivityTypes.Message,
            Id = StoredActivity.IdFor(ConversationId, _nextSeq),
            Timestamp = NowAt,
            ChannelId = Channel,
            From = new ChannelAccount { Id = _actions._bot.Id, Name = name, Role = RoleTypes.Bot },
            Conversation = new ConversationAccount { Id = ConversationId },
            TextFormat = "plain",
            ChannelData = CounsellorMark,
        };

        public async Task CloseAsync(string outcome)
        {
            await Session.CloseCaseAsync(Case.Id, outcome, Now, default);
            Owner = ConversationOwner.Bot;
            if (_actions._webhook)
            {
                await Session.QueueWebhookAsync(Case.Id, CaseWebhookEvents.Closed, Now, default);
            }
        }

        public Task EventAsync(string kind, string? detail) => Session.CaseEventAsync(Case.Id, Staff.DisplayName, kind, detail, Now, default);

        public Task AuditAsync(string action, string? detail)
        {
            Action = action;
            return Session.AuditAsync(Staff.Email, action, Case.Reference, detail, Now, default);
        }

        /// <summary>The conversation with its version check, then what the action wrote to the person.</summary>
        public async Task<bool> SaveAsync(CancellationToken ct)
        {
            var sealedState = _state is null ? null : Key.Seal(SealedField.ConversationState, 0, _state);
            if (!await Session.UpdateConversationAsync(ConversationId, Conversation.Version, sealedState, _nextSeq, Owner, Conversation.OptedOut, Now, ct))
            {
                return false;
            }

            // Handed back to a person who never agreed to keep messages: like any turn of theirs, kept only for delivery.
            long? expiresAt = _keep ? null : (NowAt + _actions._withoutConsent).ToUnixTimeMilliseconds();
            foreach (var (seq, activity, delivery) in _outgoing)
            {
                await Session.InsertActivityAsync(ConversationId, seq, ActivityDirection.Out, Key.Seal(SealedField.Activity, seq, ActivityJson.SerializeToUtf8(activity)), Now, delivery, expiresAt, ct);
            }

            foreach (var (seq, language, side, text, provider, note) in _translations)
            {
                await Session.InsertTranslationAsync(ConversationId, seq, language, side, text is null ? null : Key.Seal(SealedField.Translation, seq, text), provider, note, Now, ct);
            }

            var last = _outgoing.Count > 0 ? _outgoing[^1].Seq : Conversation.NextSeq - 1;
            Change = new Change(ConversationId, last, Push && _outgoing.Any(o => o.Delivery == DeliveryStatus.Pending), Case.Reference);
            return true;
        }

        public void Dispose() => Key.Dispose();
    }
}
