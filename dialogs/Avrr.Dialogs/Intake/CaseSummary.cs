using System.Text.Json.Serialization;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// What a counsellor receives with a hand-off, so the person never has to repeat themselves (avrr-domain.md §7).
/// "Don't know" and "prefer not to say" answers are kept as such.
/// </summary>
internal sealed record CaseSummary(
    [property: JsonPropertyName("case")] CaseInfo Case,
    [property: JsonPropertyName("consent")] ConsentInfo? Consent,
    [property: JsonPropertyName("preScreen")] PreScreenInfo? PreScreen,
    [property: JsonPropertyName("answers")] IReadOnlyDictionary<string, string> Answers,
    [property: JsonPropertyName("flags")] IReadOnlyList<string> Flags,
    [property: JsonPropertyName("openQuestions")] IReadOnlyList<string> OpenQuestions);

internal sealed record CaseInfo(
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
