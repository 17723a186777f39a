using System.Text.Json.Serialization;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// What a counsellor receives with a hand-off, so the person never has to repeat themselves (docs/case-export.md).
/// Machine values only, plus the person's own words where they typed an answer: the console shows each answer as a
/// label in the counsellor's language, from the content version recorded here. "Don't know" and "prefer not to say"
/// answers are kept as such. The host adds the case's routing fields and a transcript excerpt when it shows or exports it.
/// </summary>
internal sealed record CaseSummary(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("case")] CaseInfo Case,
    [property: JsonPropertyName("consent")] ConsentInfo? Consent,
    [property: JsonPropertyName("programme")] string? Programme,
    [property: JsonPropertyName("contentVersion")] string ContentVersion,
    [property: JsonPropertyName("preScreen")] PreScreenInfo? PreScreen,
    [property: JsonPropertyName("answers")] IReadOnlyList<AnswerInfo> Answers,
    [property: JsonPropertyName("flags")] IReadOnlyList<FlagInfo> Flags,
    [property: JsonPropertyName("openQuestions")] IReadOnlyList<string> OpenQuestions)
{
    public const int CurrentSchemaVersion = 2;
}

internal sealed record CaseInfo(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("urgency")] string Urgency,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt);

internal sealed record ConsentInfo(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("given")] bool Given,
    [property: JsonPropertyName("at")] DateTimeOffset At);

internal sealed record PreScreenInfo(
    [property: JsonPropertyName("programme")] string Programme,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("contentVersion")] string ContentVersion,
    [property: JsonPropertyName("findings")] IReadOnlyList<FindingInfo> Findings);

internal sealed record FindingInfo(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("effect")] string Effect,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("lastVerified")] DateOnly LastVerified);

/// <param name="Question">The question id (<c>host_country</c> for the first one).</param>
/// <param name="Answer">The option id or typed value (a number, a date), or <c>dont_know</c> / <c>prefer_not</c>.</param>
/// <param name="Words">What the person typed when they did not press a button.</param>
internal sealed record AnswerInfo(
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("words")] string? Words);

/// <param name="Message">The message that raised the flag; kept only when the person agreed that messages are kept.</param>
internal sealed record FlagInfo(
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("at")] DateTimeOffset? At);
