// The contract between the conversation engine and the host that runs turns (bot/Turns).
// The engine is pure: no HTTP, channels, EF Core or clocks of its own; everything arrives in TurnInput.
namespace Avrr.Dialogs;

/// <summary>What the channel can show, so replies are shaped once for every channel.</summary>
public sealed record ChannelCapabilities(int MaxTextLength, int MaxChoices, bool SupportsChoices)
{
    public static ChannelCapabilities WebChat { get; } = new(4000, 12, true);
}

/// <summary>One inbound user message, already normalised by its channel.</summary>
/// <param name="Text">What the person typed, or the title of the button they pressed.</param>
/// <param name="Value">The machine value of a pressed button, when the channel reports one.</param>
/// <param name="ChannelLocale">The locale the client reports (BCP-47), a hint for language detection.</param>
/// <param name="StartParameter">A deep-link parameter (e.g. a counselling centre's QR code), on the first message only.</param>
public sealed record TurnInput(
    string? Text,
    string? Value,
    string? ChannelLocale,
    ChannelCapabilities Capabilities,
    DateTimeOffset Now,
    string? StartParameter = null)
{
    /// <summary>The channel's name (<c>directline</c>, <c>telegram</c>, <c>whatsapp</c>): "my data" names the address kept for it.</summary>
    public string Channel { get; init; } = "";

    /// <summary>Where the person's request for a counsellor stands, as the host knows it.</summary>
    public CaseStatus Case { get; init; }

    /// <summary>The open case's reference (e.g. <c>AV-7K3Q</c>) while <see cref="Case"/> is not <c>None</c>.</summary>
    public string? CaseReference { get; init; }

    /// <summary>
    /// <see cref="Text"/> machine-translated into the content's source language, when the host was asked for it
    /// (<see cref="TranslationWanted"/>) and could: a question is then matched against the source articles too.
    /// </summary>
    public string? TextInSourceLanguage { get; init; }

    /// <summary>An article machine-translated into the person's language, when the host was asked for it (<see cref="ArticleTranslationWanted"/>).</summary>
    public TranslatedArticle? ArticleTranslation { get; init; }
}

/// <summary>An article's title and body machine-translated; an empty <see cref="Language"/> means the host could not.</summary>
public sealed record TranslatedArticle(string Id, string Language, string Title, string Body);

/// <summary>
/// Where a request for a counsellor stands. While the person waits for a counsellor or a counsellor owns the
/// conversation, the engine answers only what must work in every state (safeguarding, stop, delete my data, language)
/// and leaves everything else to the counsellor.
/// </summary>
public enum CaseStatus { None, Waiting, WithCounsellor }

/// <summary>
/// Something a counsellor (or the queue) did that the person must be told, in their language, in the same transaction
/// as the change of owner.
/// </summary>
public abstract record CaseNotice
{
    private CaseNotice()
    {
    }

    /// <summary>The request is in the queue. <c>ExpectedWait</c> is null when the host has no recent waits to go by.</summary>
    public sealed record Queued(string Reference, TimeSpan? ExpectedWait) : CaseNotice;

    public sealed record Joined(string CounsellorName) : CaseNotice;

    public sealed record Transferred(string CounsellorName) : CaseNotice;

    /// <summary>The counsellor released the case: back in the queue.</summary>
    public sealed record Left : CaseNotice;

    public sealed record Closed(string Reference) : CaseNotice;

    /// <summary>The bot owns the conversation again and resumes at <c>ResumeAt</c> (see <see cref="ResumePoints"/>).</summary>
    public sealed record HandedBack(string ResumeAt) : CaseNotice;
}

/// <summary>Where a hand-back to the bot can resume.</summary>
public static class ResumePoints
{
    /// <summary>The main menu.</summary>
    public const string Menu = "menu";

    /// <summary>The eligibility questions, from the first one not answered yet.</summary>
    public const string Check = "check";

    /// <summary>One question asked again: <c>question:&lt;id&gt;</c>.</summary>
    public const string QuestionPrefix = "question:";
}

/// <summary>A choice offered with a reply: <c>Value</c> comes back as <see cref="TurnInput.Value"/> when pressed.</summary>
public sealed record ReplyChoice(string Value, string Title);

/// <summary>One message to the person, in one language, already split to the channel's length limit.</summary>
public sealed record Reply(string Text, IReadOnlyList<ReplyChoice> Choices, string Language, bool RightToLeft);

/// <summary>Something the host must do besides sending replies, committed in the same transaction as the turn.</summary>
public abstract record DialogSignal;

public enum HandoffUrgency { Normal, High, Urgent }

/// <summary>The person should reach a counsellor; <c>CaseSummaryJson</c> is the typed case summary (docs/case-export.md).</summary>
public sealed record HandoffRequested(HandoffUrgency Urgency, string Reason, string CaseSummaryJson) : DialogSignal;

/// <summary>The person asked to delete everything stored about them.</summary>
public sealed record EraseRequested : DialogSignal;

/// <summary>The person said stop: the host sends nothing more until they write again.</summary>
public sealed record OptedOut : DialogSignal;

/// <summary>
/// A free-text question matched no article in the person's language; in the content's source language it might. A
/// host that can translate runs the turn again with <see cref="TurnInput.TextInSourceLanguage"/>; one that cannot
/// commits this turn as it is (it already answers "not found").
/// </summary>
public sealed record TranslationWanted(string Text, string Language) : DialogSignal;

/// <summary>
/// An article has no curated translation in the person's language, and the administrator allows a machine translation
/// of it. A host that can translate runs the turn again with <see cref="TurnInput.ArticleTranslation"/>; otherwise
/// this turn shows the article in the fallback language, with its note.
/// </summary>
public sealed record ArticleTranslationWanted(string ArticleId, string From, string To) : DialogSignal;

/// <summary>
/// A typed question got no answer (after a translation, when one was tried): the host counts it by language and the
/// topic of the nearest article, so administrators see what to add. It carries no text: the host keeps the person's
/// message only as their consent allows.
/// </summary>
public sealed record QuestionUnanswered(string Language, string? NearestTopic) : DialogSignal;

/// <summary>The outcome of one turn: the state to store (compact JSON), the replies and the signals.</summary>
/// <param name="KeepTranscript">
/// Whether the person agreed that what they write is kept. Without it the host keeps messages only until they are
/// delivered, and stores no free text.
/// </param>
public sealed record TurnResult(string State, IReadOnlyList<Reply> Replies, IReadOnlyList<DialogSignal> Signals, bool KeepTranscript)
{
    /// <summary>The person's language after the turn, once they have chosen one (cases are routed by it).</summary>
    public string? Language { get; init; }
}

/// <summary>What the host keeps and for how long, so the privacy notice always says what the settings do.</summary>
/// <param name="ConversationDays">Days after the last message that a conversation is kept.</param>
/// <param name="ClosedCaseDays">Days after a case closes that its summary is kept.</param>
public sealed record DataTerms(int ConversationDays, int ClosedCaseDays)
{
    /// <summary>A translation service is configured: the privacy notice and the queued notice say so.</summary>
    public bool MachineTranslation { get; init; }

    public static DataTerms Default { get; } = new(30, 180);
}

/// <summary>Runs one turn. Implementations are stateless singletons; all per-person state is in <c>state</c>.</summary>
public interface IDialogEngine
{
    /// <param name="state">The state stored after the previous turn, or null for a new conversation.</param>
    TurnResult Run(string? state, TurnInput input);

    /// <summary>Tells the person what happened to their case, in their language; a hand-back also moves the dialog.</summary>
    TurnResult Notify(string? state, CaseNotice notice, ChannelCapabilities capabilities, DateTimeOffset now);
}
