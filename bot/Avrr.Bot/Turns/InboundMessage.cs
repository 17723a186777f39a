using Avrr.Bot.Activities;
using Avrr.Bot.Changes;
using Avrr.Bot.Persistence;
using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

/// <summary>How a channel's outgoing activities reach the person.</summary>
public enum DeliveryMode
{
    /// <summary>The client reads the transcript (Direct Line): committed is delivered.</summary>
    Pull,

    /// <summary>The outbox relay pushes each row to the platform (Telegram, WhatsApp).</summary>
    Push,
}

/// <summary>One inbound activity, normalised by its channel, ready for the pipeline.</summary>
/// <param name="Channel">Channel name, e.g. <c>directline</c>, <c>telegram</c>, <c>whatsapp</c>.</param>
/// <param name="ExternalId">The channel's id for this message: the durable dedupe key within the channel.</param>
/// <param name="ConversationId">Our conversation id (random; push channels resolve it from the platform address at intake).</param>
public sealed record InboundMessage(
    string Channel,
    string ExternalId,
    string ConversationId,
    Activity Activity,
    ChannelCapabilities Capabilities,
    DeliveryMode Delivery,
    string? StartParameter = null)
{
    /// <summary>The text machine-translated into the content's source language, when the dialog asked for it; "" when that failed.</summary>
    public string? TextInSourceLanguage { get; init; }

    /// <summary>The article the dialog asked for, machine-translated (an empty language when that failed).</summary>
    public Avrr.Dialogs.TranslatedArticle? ArticleTranslation { get; init; }
}

public enum TurnStatus
{
    Processed,

    /// <summary>This channel message was processed before: nothing was done again.</summary>
    Duplicate,

    /// <summary>A counsellor owns the conversation: the message is stored for them and the bot stays silent.</summary>
    HeldForCounsellor,

    /// <summary>The conversation was erased after the message was accepted: it was dropped with it.</summary>
    Dropped,
}

/// <summary>An activity as stored in the transcript, with its place in the conversation.</summary>
public sealed record StoredActivity(string ConversationId, long Seq, ActivityDirection Direction, Activity Activity)
{
    public static string IdFor(string conversationId, long seq) => $"{conversationId}|{seq:D7}";
}

public sealed record TurnOutcome(TurnStatus Status, StoredActivity? Inbound, IReadOnlyList<StoredActivity> Outgoing)
{
    public static TurnOutcome Duplicate { get; } = new(TurnStatus.Duplicate, null, []);

    public static TurnOutcome Dropped { get; } = new(TurnStatus.Dropped, null, []);

    /// <summary>What this turn changed, for the listeners woken after commit.</summary>
    public Change Change { get; init; }

    /// <summary>Nothing was committed: the dialog asked for a translation, and the turn runs again with it.</summary>
    internal Avrr.Dialogs.DialogSignal? Wanted { get; init; }
}
