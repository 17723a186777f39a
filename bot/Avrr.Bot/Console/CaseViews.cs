using System.Text.Json;

namespace Avrr.Bot.Console;

public sealed record QueueItem(
    string Reference,
    string Urgency,
    string Status,
    string Channel,
    string? Language,
    string? Programme,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastInboundAt,
    string? Assignee,
    bool Mine);

public sealed record QueueFilter(string? Language, string? Programme, string? Channel, int? MinAgeMinutes);

public sealed record TranscriptEntry(long Seq, DateTimeOffset At, string From, string? Name, string Text, string? Delivery, string? Error, TranslationView? Translation = null);

/// <summary>The other-language side of a transcript entry.</summary>
/// <param name="Status">
/// <c>translated</c>: <see cref="Text"/> is the automatic translation of the message; <c>original</c>: the message is the
/// automatic translation of <see cref="Text"/>, what the counsellor wrote; <c>not_translated</c>: <see cref="Note"/>
/// says why; <c>none</c>: nothing to translate.
/// </param>
public sealed record TranslationView(string Status, string Language, string? Text, string? Note);

/// <summary>Whether the console offers translation for this case, between which languages, by which service.</summary>
public sealed record TranslationSetting(bool Available, string Provider, string CounsellorLanguage, string? PersonLanguage);

public sealed record NoteView(DateTimeOffset At, string Author, string Text);

public sealed record EventView(DateTimeOffset At, string Actor, string Kind, string? Detail);

public sealed record WindowView(bool Open, DateTimeOffset? ClosesAt, bool TemplateSent, bool TemplateConfigured);

public sealed record Choice(string Id, string Label);

public sealed record CannedView(string Id, string Label, string Text);

/// <summary>Everything the case page shows. Permissions are computed for the viewer; the API enforces them again.</summary>
public sealed record CaseView(
    string Reference,
    string Status,
    string Channel,
    string? Language,
    string? LanguageName,
    bool RightToLeft,
    string? Programme,
    string Urgency,
    string Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClaimedAt,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset? ClosedAt,
    string? Outcome,
    string? AssigneeId,
    string? Assignee,
    bool Mine,
    bool OptedOut,
    bool CanClaim,
    bool CanSpeak,
    bool CanManage,
    CaseSummaryView Summary,
    IReadOnlyList<TranscriptEntry> Transcript,
    IReadOnlyList<NoteView> Notes,
    IReadOnlyList<EventView> Events,
    WindowView? Window,
    IReadOnlyList<CannedView> Canned,
    IReadOnlyList<Choice> Outcomes,
    IReadOnlyList<Choice> ResumePoints,
    TranslationSetting Translation);

public sealed record CounsellorLoad(string Name, bool Available, bool Present, int OpenCases, int Capacity, int ClosedToday, double? MedianFirstResponseMinutes);

public sealed record SupervisorView(
    int Waiting,
    int WithCounsellor,
    double? OldestWaitingMinutes,
    string? OldestUrgentUnclaimed,
    double? OldestUrgentUnclaimedMinutes,
    double? MedianWaitMinutes,
    double? MedianFirstResponseMinutes,
    IReadOnlyList<CounsellorLoad> Counsellors,
    IReadOnlyDictionary<string, int> WaitingByLanguage);

/// <summary>The case export's envelope (docs/case-export.md).</summary>
public static class CaseExport
{
    public const int SchemaVersion = 1;
    public const string Type = "avrr.case";
    public const int ExcerptLength = 20;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
