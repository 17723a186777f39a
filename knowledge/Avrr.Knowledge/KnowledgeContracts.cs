// The contract between the knowledge library and its consumers (dialogs, bot, admin).
// Implementations live beside it in this project; consumers depend only on these types.
namespace Avrr.Knowledge;

/// <summary>A language the content is offered in, named in itself.</summary>
public sealed record LanguageInfo(string Code, string NativeName, bool RightToLeft)
{
    /// <summary>
    /// The language to show before the default one when a text is missing in this one (Dari reads Farsi before
    /// English): <c>fallback</c> in content.yaml.
    /// </summary>
    public string? Fallback { get; init; }

    /// <summary>Locale tags that mean this language (a phone set to <c>fa-AF</c> is a Dari speaker's).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

/// <summary>A string resolved through the fallback chain: requested language → deployment default → source language.</summary>
public sealed record LocalizedText(string Text, string Language, bool IsFallback);

/// <summary>Kinds of prompts the intake uses.</summary>
public enum QuestionKind { Choice, YesNo, Number, Date, FreeText, Country }

/// <summary>One allowed answer of a choice question. <c>Safeguarding</c> names a category when choosing it is a disclosure.</summary>
public sealed record QuestionOption(string Id, string LabelKey, string? Safeguarding = null);

/// <summary>An intake question; its text and option labels are string keys.</summary>
public sealed record Question(
    string Id,
    QuestionKind Kind,
    string PromptKey,
    string? HelpKey,
    IReadOnlyList<QuestionOption> Options,
    int? Min = null,
    int? Max = null);

/// <summary>A special answer every question accepts.</summary>
public static class SpecialAnswers
{
    public const string DontKnow = "dont_know";
    public const string PreferNotToSay = "prefer_not_to_say";
}

/// <summary>The likely outcome of a pre-screen. The bot never decides; a counsellor does.</summary>
public enum PreScreenOutcome { LikelyEligible, LikelyNotEligible, Unclear }

/// <summary>A rule that fired, with its plain-language reason (a string key) and where it comes from.</summary>
public sealed record RuleFinding(string RuleId, PreScreenOutcome Effect, string ReasonKey, string Source, DateOnly LastVerified, IReadOnlyList<string> QuestionIds);

/// <summary>
/// A fact about a programme (an amount, a document, a deadline), with its source and last-verified date. A fact with
/// <c>When</c> conditions applies only to people whose answers meet all of them (help for going to another country).
/// </summary>
public sealed record ProgrammeFact(string Id, string Kind, string TextKey, string Source, DateOnly LastVerified)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> When { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>A document or public page the content relies on, as a person and an auditor can find it.</summary>
public sealed record ContentSource(string Id, string Title, string? Url)
{
    /// <summary>What is shown wherever a text cites this source: the title, and the address where there is one.</summary>
    public string Citation => Url is null ? Title : $"{Title} ({Url})";
}

public sealed record EligibilityResult(
    string ProgrammeId,
    PreScreenOutcome Outcome,
    IReadOnlyList<RuleFinding> Findings,
    IReadOnlyList<ProgrammeFact> PossibleHelp,
    string ContentVersion);

/// <summary>A host-country programme: which questions it needs (in order) and the rules over the answers.</summary>
public sealed record Programme(string Id, string HostCountry, string NameKey, string SummaryKey, IReadOnlyList<string> QuestionIds, IReadOnlyList<ProgrammeFact> Facts);

public sealed record HostCountry(string Code, string NameKey, string ProgrammeId);

public enum ContactKind { Emergency, Protection, Counselling, Medical, MentalHealth, ChildProtection, AntiTrafficking, GenderBasedViolence }

/// <summary>A contact a person can reach: by phone, or (where a service has no line) through its web page.</summary>
public sealed record Contact(string Id, string HostCountry, ContactKind Kind, string NameKey, string? Phone, string? Url, string Source, DateOnly LastVerified)
{
    /// <summary>How to reach it, as written to the person: the number, or the address when there is no line.</summary>
    public string Reach => Phone ?? Url ?? "";
}

/// <summary>Safeguarding categories that interrupt any flow and raise an urgent hand-off.</summary>
public enum SafeguardingCategory { Trafficking, UnaccompaniedMinor, MedicalEmergency, Violence, SelfHarm, FearOfReturn }

/// <summary>
/// How well one language's safeguarding is covered: lexicon phrases and corpus disclosures per category, and the
/// everyday sentences that prove the phrases do not fire on ordinary conversation.
/// </summary>
public sealed record SafeguardingCoverage(
    string Language,
    IReadOnlyDictionary<SafeguardingCategory, int> Phrases,
    IReadOnlyDictionary<SafeguardingCategory, int> Disclosures,
    int Everyday);

/// <summary>Commands recognised at any point, in every supported language.</summary>
public enum GlobalCommand { Help, Menu, Back, Restart, Language, Counsellor, Stop, DeleteMyData }

public sealed record Article(string Id, string Language, string Title, string BodyMarkdown, string Topic, string Source, DateOnly LastVerified, bool IsFallback)
{
    /// <summary>
    /// The administrator allows this article to be shown machine-translated (with a notice) in a language that has no
    /// curated translation of it (front matter <c>machine_translation: allowed</c>).
    /// </summary>
    public bool MachineTranslationAllowed { get; init; }

    /// <summary>The ids in sources.yaml that <c>Source</c> cites, as the front matter names them.</summary>
    public IReadOnlyList<string> SourceIds { get; init; } = [];

    /// <summary>
    /// Questions as people ask them in this language (front matter <c>examples</c>): matched like the title, so a
    /// question in everyday words finds the article.
    /// </summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>Words and short phrases people use for the subject (front matter <c>keywords</c>), in this language.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];
}

/// <summary>An article found for a question, with its ranking score (comparable only within one search).</summary>
public sealed record ArticleMatch(Article Article, double Score);

/// <summary>How sure the matcher is of its answer to a typed question.</summary>
public enum AnswerKind
{
    /// <summary>One article answers it: show it.</summary>
    Confident,

    /// <summary>Two articles fit about as well: offer both titles and let the person choose.</summary>
    Choice,

    /// <summary>Nothing fits well enough: offer the topics and a counsellor, never a guess.</summary>
    NoMatch,
}

/// <summary>
/// The answer to a typed question: the article (or the two) to offer, and for a question without an answer the topic
/// of the nearest article, so unanswered questions can be counted by topic.
/// </summary>
public sealed record QuestionAnswer(AnswerKind Kind, IReadOnlyList<ArticleMatch> Matches, string? NearestTopic)
{
    public static QuestionAnswer None { get; } = new(AnswerKind.NoMatch, [], null);
}

/// <summary>When counsellors work, in the service's own time zone.</summary>
public sealed record OfficeHours(DayOfWeek Day, TimeOnly Open, TimeOnly Close);

/// <summary>How a case can end; the label is for staff (the console), not for the person.</summary>
public sealed record CaseOutcome(string Id, string Label);

/// <summary>
/// The counsellors' service as content describes it: office hours (the bot tells people out of hours when they will
/// hear back), the outcomes a case can be closed with, and the canned replies offered in the console (their texts are
/// the strings <c>canned.&lt;id&gt;</c>, translated like any other).
/// </summary>
public sealed record ServiceInfo(TimeZoneInfo TimeZone, IReadOnlyList<OfficeHours> Hours, IReadOnlyList<CaseOutcome> Outcomes, IReadOnlyList<string> CannedResponses)
{
    /// <summary>No hours given: counsellors are taken to be available at any time.</summary>
    public static ServiceInfo AlwaysOpen { get; } = new(TimeZoneInfo.Utc, [], [new("closed", "Closed")], []);

    public bool IsOpen(DateTimeOffset at)
    {
        if (Hours.Count == 0)
        {
            return true;
        }

        var local = TimeZoneInfo.ConvertTime(at, TimeZone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return Hours.Any(h => h.Day == local.DayOfWeek && time >= h.Open && time < h.Close);
    }
}

/// <summary>
/// One published, validated, immutable content version. Every lookup is in memory: no file I/O on the turn path.
/// </summary>
public interface IKnowledgeSnapshot
{
    string Version { get; }
    string SourceLanguage { get; }
    string DefaultLanguage { get; }
    IReadOnlyList<LanguageInfo> Languages { get; }
    LanguageInfo? FindLanguage(string code);

    /// <summary>Resolves a UI string; <paramref name="args"/> fill named placeholders such as <c>{name}</c>.</summary>
    LocalizedText Text(string key, string language, IReadOnlyDictionary<string, string>? args = null);

    IReadOnlyList<HostCountry> HostCountries { get; }
    Programme? FindProgramme(string id);
    Question? FindQuestion(string id);

    /// <summary>The next question the programme still needs, given the answers so far (rules decide which are relevant); null when done.</summary>
    string? NextQuestion(string programmeId, IReadOnlyDictionary<string, string> answers);

    EligibilityResult Evaluate(string programmeId, IReadOnlyDictionary<string, string> answers);

    /// <summary>
    /// Answers a typed question from the articles of the person's language (or its fallback): one article, a choice of
    /// two, or none, by the thresholds measured on the content's example questions (docs/retrieval.md).
    /// </summary>
    QuestionAnswer AnswerQuestion(string language, string question);
    Article? FindArticle(string id, string language);
    IReadOnlyList<Article> ArticlesByTopic(string topic, string language);

    /// <summary>The articles offered under "about voluntary return", in order (content.yaml <c>learn_menu</c>), each in the language or its fallback.</summary>
    IReadOnlyList<Article> LearnArticles(string language);

    /// <summary>Detects a safeguarding disclosure in free text of any supported language (after folding).</summary>
    SafeguardingCategory? DetectSafeguarding(string text);

    GlobalCommand? MatchCommand(string text);
    IReadOnlyList<Contact> Contacts(string hostCountry);

    /// <summary>Office hours, case outcomes and canned responses (content.yaml <c>service</c>).</summary>
    ServiceInfo Service { get; }
}

/// <summary>Where the current published snapshot and earlier versions come from.</summary>
public interface IKnowledgeSource
{
    IKnowledgeSnapshot Current { get; }

    /// <summary>A specific earlier or current version; null when it is no longer available.</summary>
    IKnowledgeSnapshot? Find(string version);
}
