namespace Avrr.Knowledge;

/// <summary>A translation of one UI string, linked to the source text it was made from.</summary>
internal sealed record TranslatedString(string Text, string? SourceHash, bool NeedsReview, int Line);

/// <summary>How an article translation is linked to the source article it was made from.</summary>
internal sealed record ArticleLink(string? TranslatedFrom, bool NeedsReview);

/// <summary>A rule over intake answers, as written in a programme file.</summary>
internal sealed record ProgrammeRule(
    string Id,
    RuleKind Kind,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Conditions,
    string ReasonKey,
    string Source,
    DateOnly LastVerified);

internal enum RuleKind
{
    /// <summary>When every condition matches, the person is likely not eligible.</summary>
    Exclude,

    /// <summary>The one condition must match; a different answer makes the person likely not eligible.</summary>
    Require,
}

/// <summary>A question as a programme asks it: only when <c>AskIf</c> matches the answers so far.</summary>
internal sealed record ProgrammeQuestion(string QuestionId, IReadOnlyDictionary<string, IReadOnlyList<string>> AskIf);

internal sealed record ProgrammeDefinition(Programme Programme, IReadOnlyList<ProgrammeQuestion> Questions, IReadOnlyList<ProgrammeRule> Rules);

/// <summary>Everything a content directory holds, parsed; the snapshot indexes it.</summary>
internal sealed class ContentModel
{
    public string Version { get; set; } = "";
    public string SourceLanguage { get; set; } = "en";
    public string DefaultLanguage { get; set; } = "en";
    public List<LanguageInfo> Languages { get; } = [];
    public HashSet<string> CompleteLanguages { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, TranslatedString>> Strings { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Question> Questions { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ProgrammeDefinition> Programmes { get; } = new(StringComparer.Ordinal);
    public List<HostCountry> HostCountries { get; } = [];
    public List<Article> Articles { get; } = [];
    public Dictionary<(string Language, string Id), ArticleLink> ArticleLinks { get; } = [];
    public List<string> CoreArticles { get; } = [];
    public List<string> LearnMenu { get; } = [];
    public Dictionary<SafeguardingCategory, List<string>> Lexicon { get; } = [];
    /// <summary>Per language, how many lexicon phrases each category has there (the coverage report).</summary>
    public Dictionary<string, Dictionary<SafeguardingCategory, int>> LexiconCoverage { get; } = new(StringComparer.Ordinal);
    public List<CorpusSentence> SafeguardingCorpus { get; } = [];
    /// <summary>Per language, the terms to use and the variants to avoid (glossary.yaml).</summary>
    public Dictionary<string, List<GlossaryTerm>> Glossary { get; } = new(StringComparer.Ordinal);
    public Dictionary<GlobalCommand, List<string>> Commands { get; } = [];
    /// <summary>Per language, the folded words that run each command there, and the line of each command in commands.yaml.</summary>
    public Dictionary<string, Dictionary<string, GlobalCommand>> CommandWords { get; } = new(StringComparer.Ordinal);
    public Dictionary<GlobalCommand, int> CommandLines { get; } = [];
    public List<Contact> Contacts { get; } = [];
    public Dictionary<string, ContentSource> Sources { get; } = new(StringComparer.Ordinal);
    public ServiceInfo Service { get; set; } = ServiceInfo.AlwaysOpen;
    public int ServiceLine { get; set; }
}

/// <summary>A sentence of the safeguarding corpus: a disclosure that must raise <c>Expected</c>, or (null) one that must not.</summary>
internal sealed record CorpusSentence(string Language, SafeguardingCategory? Expected, string Text, int Line);

/// <summary>A glossary entry: in this language write <c>Use</c>, never any of <c>Avoid</c>.</summary>
internal sealed record GlossaryTerm(string Use, IReadOnlyList<string> Avoid, int Line);
