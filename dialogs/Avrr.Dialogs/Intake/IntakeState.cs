using System.Text.Json;
using System.Text.Json.Serialization;

namespace Avrr.Dialogs.Intake;

/// <summary>Where the person is in the conversation.</summary>
internal enum Step { Language, Consent, Menu, Learn, Question, Outcome, NeedConsent, ConfirmDelete }

/// <summary>The consent record: which notice (by its hash) was answered, how, and when.</summary>
internal sealed record ConsentRecord(
    [property: JsonPropertyName("v")] string Version,
    [property: JsonPropertyName("g")] bool Given,
    [property: JsonPropertyName("t")] DateTimeOffset At);

/// <summary>What raised a safeguarding flag: the person's message (only with consent) and when.</summary>
internal sealed record FlagNote(
    [property: JsonPropertyName("m")] string? Message,
    [property: JsonPropertyName("t")] DateTimeOffset At);

/// <summary>
/// Everything the intake remembers about one person, serialised compactly with short names. Answers are kept only
/// with consent; without it the state holds the language and the position in the conversation.
/// </summary>
internal sealed class IntakeState
{
    [JsonPropertyName("cv")] public string? ContentVersion { get; set; }
    [JsonPropertyName("l")] public string? Language { get; set; }
    [JsonPropertyName("s")] public Step Step { get; set; } = Step.Language;
    [JsonPropertyName("q")] public string? Question { get; set; }
    [JsonPropertyName("p")] public string? Programme { get; set; }
    [JsonPropertyName("a")] public Dictionary<string, string> Answers { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("c")] public ConsentRecord? Consent { get; set; }
    [JsonPropertyName("r")] public int Retries { get; set; }
    [JsonPropertyName("b")] public List<string> Back { get; set; } = [];
    [JsonPropertyName("h")] public bool HandoffRequested { get; set; }
    [JsonPropertyName("f")] public List<string> Flags { get; set; } = [];
    /// <summary>Per flag, what raised it (for the counsellor's summary).</summary>
    [JsonPropertyName("fn")] public Dictionary<string, FlagNote> FlagNotes { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The person's own words for answers they typed rather than chose (kept only with consent, like answers).</summary>
    [JsonPropertyName("w")] public Dictionary<string, string> Words { get; set; } = new(StringComparer.Ordinal);
    [JsonPropertyName("o")] public bool OptedOut { get; set; }
    [JsonPropertyName("n")] public bool FallbackNoted { get; set; }
    [JsonPropertyName("g")] public bool Greeted { get; set; }
    /// <summary>The programme named by the link the person came by, used when the check starts.</summary>
    [JsonPropertyName("sp")] public string? StartProgramme { get; set; }

    /// <summary>The articles offered as a choice for a typed question, in order, so "1" or "2" picks one of them.</summary>
    [JsonPropertyName("sg")] public List<string>? Suggested { get; set; }

    [JsonIgnore] public bool ConsentGiven => Consent?.Given == true;

    public static IntakeState Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new IntakeState();
        }

        try
        {
            return JsonSerializer.Deserialize(json, IntakeJsonContext.Default.IntakeState) ?? new IntakeState();
        }
        catch (JsonException)
        {
            // A state from an incompatible older version starts over rather than failing every turn.
            return new IntakeState();
        }
    }

    public string Serialize() => JsonSerializer.Serialize(this, IntakeJsonContext.Default.IntakeState);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IntakeState))]
[JsonSerializable(typeof(CaseSummary))]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
