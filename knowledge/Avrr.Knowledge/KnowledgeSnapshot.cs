using System.Text;
using Avrr.Knowledge.Retrieval;

namespace Avrr.Knowledge;

/// <summary>An immutable, indexed content version. Built once per published version; every lookup is in memory.</summary>
internal sealed class KnowledgeSnapshot : IKnowledgeSnapshot
{
    private readonly ContentModel _model;
    private readonly Dictionary<string, LanguageInfo> _languages;
    private readonly Dictionary<string, Dictionary<string, Article>> _articles;
    private readonly Dictionary<string, Lazy<ArticleSearch>> _indexes;
    private readonly Ranking _ranking;
    private readonly SafeguardingMatcher _safeguarding;
    private readonly Dictionary<string, GlobalCommand> _commands;

    public KnowledgeSnapshot(ContentModel model)
        : this(model, Ranking.Measured)
    {
    }

    internal KnowledgeSnapshot(ContentModel model, Ranking ranking)
    {
        _model = model;
        _ranking = ranking;
        _languages = model.Languages.ToDictionary(l => l.Code, StringComparer.Ordinal);
        _articles = model.Articles.GroupBy(a => a.Language, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(a => a.Id, StringComparer.Ordinal), StringComparer.Ordinal);
        // Owned by the snapshot and immutable: a published version and its index are switched in one reference swap.
        // Each language's index is built on its first question, once: a version loaded only to validate a draft, or
        // a language nobody writes in, costs nothing.
        _indexes = _articles.ToDictionary(
            p => p.Key,
            p => new Lazy<ArticleSearch>(() => new ArticleSearch(p.Key, p.Value.Values, ranking), LazyThreadSafetyMode.ExecutionAndPublication),
            StringComparer.Ordinal);
        _safeguarding = new SafeguardingMatcher(model.Lexicon);
        _commands = new Dictionary<string, GlobalCommand>(StringComparer.Ordinal);
        foreach (var (command, keywords) in model.Commands)
        {
            foreach (var keyword in keywords)
            {
                _commands.TryAdd(keyword, command);
            }
        }
    }

    public string Version => _model.Version;

    public string SourceLanguage => _model.SourceLanguage;

    public string DefaultLanguage => _model.DefaultLanguage;

    public IReadOnlyList<LanguageInfo> Languages => _model.Languages;

    public IReadOnlyList<HostCountry> HostCountries => _model.HostCountries;

    /// <summary>Accepts <c>fr</c>, <c>fr-BE</c>, <c>FR</c>, <c>ar_EG</c>.</summary>
    public LanguageInfo? FindLanguage(string code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var normalized = code.Trim().Replace('_', '-').ToLowerInvariant();
        return _languages.GetValueOrDefault(normalized)
            ?? _model.Languages.FirstOrDefault(l => l.Aliases.Contains(normalized))
            ?? _languages.GetValueOrDefault(normalized.Split('-')[0]);
    }

    public LocalizedText Text(string key, string language, IReadOnlyDictionary<string, string>? args = null)
    {
        // A language the content does not offer still counts as the one asked for, so its fallback is flagged.
        var requested = FindLanguage(language)?.Code ?? (string.IsNullOrWhiteSpace(language) ? DefaultLanguage : language.Trim().ToLowerInvariant());
        if (Lookup(requested, key) is { } direct)
        {
            // Every reply looks up several texts; nearly all are in the language asked for.
            return new LocalizedText(Fill(direct, args), requested, false);
        }

        foreach (var candidate in Chain(requested))
        {
            if (Lookup(candidate, key) is { } text)
            {
                return new LocalizedText(Fill(text, args), candidate, candidate != requested);
            }
        }

        // Unreachable for validated content and the engine's own keys (tests check both); never show nothing.
        return new LocalizedText(key, SourceLanguage, true);
    }

    private string? Lookup(string language, string key) =>
        _model.Strings.TryGetValue(language, out var table) && table.TryGetValue(key, out var entry) && entry.Text.Length > 0 ? entry.Text : null;

    /// <summary>Where a text is looked for: the language, its declared fallback, the default, the source language.</summary>
    private IEnumerable<string> Chain(string language)
    {
        yield return language;
        if (_languages.GetValueOrDefault(language)?.Fallback is { } fallback)
        {
            yield return fallback;
        }

        yield return DefaultLanguage;
        yield return SourceLanguage;
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string>? args)
    {
        if (args is null || args.Count == 0 || !text.Contains('{', StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text);
        foreach (var (name, value) in args)
        {
            builder.Replace("{" + name + "}", value);
        }

        return builder.ToString();
    }

    public Programme? FindProgramme(string id) => _model.Programmes.GetValueOrDefault(id)?.Programme;

    public Question? FindQuestion(string id) => _model.Questions.GetValueOrDefault(id);

    public string? NextQuestion(string programmeId, IReadOnlyDictionary<string, string> answers)
    {
        if (!_model.Programmes.TryGetValue(programmeId, out var definition))
        {
            return null;
        }

        return definition.Questions
            .FirstOrDefault(q => !answers.ContainsKey(q.QuestionId) && q.AskIf.All(c => answers.TryGetValue(c.Key, out var a) && c.Value.Contains(a)))
            ?.QuestionId;
    }

    public EligibilityResult Evaluate(string programmeId, IReadOnlyDictionary<string, string> answers)
    {
        if (!_model.Programmes.TryGetValue(programmeId, out var definition))
        {
            return new EligibilityResult(programmeId, PreScreenOutcome.Unclear, [], [], Version);
        }

        var findings = new List<RuleFinding>();
        foreach (var rule in definition.Rules)
        {
            // A rule about a question this person was never asked (its ask_if did not hold) does not apply.
            if (rule.Conditions.Keys.Any(q => !answers.ContainsKey(q) && !IsAsked(definition, q, answers)))
            {
                continue;
            }

            var states = rule.Conditions.Select(c => Match(answers, c.Key, c.Value)).ToList();
            PreScreenOutcome? effect = rule.Kind switch
            {
                RuleKind.Exclude when states.All(s => s == Condition.Met) => PreScreenOutcome.LikelyNotEligible,
                RuleKind.Exclude when states.All(s => s != Condition.NotMet) && states.Contains(Condition.Unknown) => PreScreenOutcome.Unclear,
                RuleKind.Require when states[0] == Condition.Met => PreScreenOutcome.LikelyEligible,
                RuleKind.Require when states[0] == Condition.NotMet => PreScreenOutcome.LikelyNotEligible,
                RuleKind.Require => PreScreenOutcome.Unclear,
                _ => null,
            };
            if (effect is { } found)
            {
                findings.Add(new RuleFinding(rule.Id, found, rule.ReasonKey, rule.Source, rule.LastVerified, rule.Conditions.Keys.ToList()));
            }
        }

        var outcome = findings.Any(f => f.Effect == PreScreenOutcome.LikelyNotEligible) ? PreScreenOutcome.LikelyNotEligible
            : findings.Any(f => f.Effect == PreScreenOutcome.Unclear) ? PreScreenOutcome.Unclear
            : PreScreenOutcome.LikelyEligible;
        var help = definition.Programme.Facts.Where(f => f.When.All(c => Match(answers, c.Key, c.Value) == Condition.Met)).ToList();
        return new EligibilityResult(programmeId, outcome, findings, help, Version);
    }

    private static bool IsAsked(ProgrammeDefinition definition, string questionId, IReadOnlyDictionary<string, string> answers) =>
        definition.Questions.Any(q => q.QuestionId == questionId && q.AskIf.All(c => answers.TryGetValue(c.Key, out var a) && c.Value.Contains(a)));

    private enum Condition { Met, NotMet, Unknown }

    private static Condition Match(IReadOnlyDictionary<string, string> answers, string questionId, IReadOnlyList<string> accepted)
    {
        if (!answers.TryGetValue(questionId, out var answer) || answer is SpecialAnswers.DontKnow or SpecialAnswers.PreferNotToSay)
        {
            return Condition.Unknown;
        }

        return accepted.Contains(answer) ? Condition.Met : Condition.NotMet;
    }

    /// <summary>The same content ranked another way: how the calibration compares rankings on one content version.</summary>
    internal KnowledgeSnapshot WithRanking(Ranking ranking) => new(_model, ranking);

    public QuestionAnswer AnswerQuestion(string language, string question) => _ranking.Decide(Rank(language, question));

    /// <summary>
    /// The question is analysed as the language the person chose and searched in that language's articles (the
    /// analyser and the articles are the same language by construction); a language without articles uses its
    /// fallback's, marked as such.
    /// </summary>
    private List<RankedArticle> Rank(string language, string question)
    {
        var code = FindLanguage(language)?.Code ?? DefaultLanguage;
        var index = Chain(code).Select(c => _indexes.GetValueOrDefault(c)).FirstOrDefault(i => i is not null)?.Value;
        if (index is null || string.IsNullOrWhiteSpace(question))
        {
            return [];
        }

        var ranked = index.Rank(question);
        return index.Language == code ? ranked : ranked.Select(r => r with { Article = r.Article with { IsFallback = true } }).ToList();
    }

    public Article? FindArticle(string id, string language)
    {
        var code = FindLanguage(language)?.Code ?? DefaultLanguage;
        foreach (var candidate in Chain(code))
        {
            if (_articles.TryGetValue(candidate, out var byId) && byId.TryGetValue(id, out var article))
            {
                return candidate == code ? article : article with { IsFallback = true };
            }
        }

        return null;
    }

    public IReadOnlyList<Article> LearnArticles(string language) =>
        _model.LearnMenu.Count == 0
            ? ArticlesByTopic("return", language)
            : _model.LearnMenu.Select(id => FindArticle(id, language)).OfType<Article>().ToList();

    public IReadOnlyList<Article> ArticlesByTopic(string topic, string language) =>
        _model.Articles.Where(a => a.Language == SourceLanguage && a.Topic == topic)
            .Select(a => FindArticle(a.Id, language)!)
            .ToList();

    public SafeguardingCategory? DetectSafeguarding(string text) => _safeguarding.Detect(text);

    public GlobalCommand? MatchCommand(string text)
    {
        var folded = TextFolding.Fold(text);
        if (folded.Length == 0 || folded.Length > 40)
        {
            return null;
        }

        if (_commands.TryGetValue(folded, out var exact))
        {
            return exact;
        }

        // One slip of the thumb on a longer word still counts ("langauge", "menue").
        if (folded.Length >= 5)
        {
            foreach (var (keyword, command) in _commands)
            {
                if (keyword.Length >= 5 && EditDistance.AtMostOne(folded, keyword))
                {
                    return command;
                }
            }
        }

        return null;
    }

    public ServiceInfo Service => _model.Service;

    public IReadOnlyList<Contact> Contacts(string hostCountry) =>
        _model.Contacts.Where(c => string.Equals(c.HostCountry, hostCountry, StringComparison.OrdinalIgnoreCase)).ToList();
}
