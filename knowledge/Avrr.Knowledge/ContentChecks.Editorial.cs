using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Avrr.Knowledge;

/// <summary>
/// Editorial policy: every host country has the contacts a person in danger needs; a placeholder standing for a noun
/// phrase is never declined into a sentence; each language keeps one term per concept; a translation marked current
/// states the same numbers as its source; and safeguarding covers every category in every complete language.
/// These are <see cref="ContentDiagnostic.Policy"/> errors.
/// </summary>
internal static partial class ContentChecks
{
    /// <summary>What every host country must offer a person who discloses danger, besides the programme itself.</summary>
    private static readonly ContactKind[] RequiredContacts =
        [ContactKind.Emergency, ContactKind.Counselling, ContactKind.AntiTrafficking, ContactKind.ChildProtection, ContactKind.GenderBasedViolence];

    /// <summary>Placeholders filled with a whole noun phrase ("Belgian voluntary return programme (Fedasil)").</summary>
    private static readonly string[] NounPhrasePlaceholders = ["programme"];

    private static ContentDiagnostic Policy(string file, int line, string message) => new(file, line, message) { Policy = true };

    private static void CheckContactCoverage(ContentModel model, List<ContentDiagnostic> diagnostics)
    {
        foreach (var country in model.HostCountries.Select(h => h.Code).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var kinds = model.Contacts.Where(c => string.Equals(c.HostCountry, country, StringComparison.OrdinalIgnoreCase)).Select(c => c.Kind).ToHashSet();
            var missing = RequiredContacts.Where(k => !kinds.Contains(k)).ToList();
            if (missing.Count > 0)
            {
                diagnostics.Add(Policy($"contacts/{country.ToLowerInvariant()}.yaml", 1,
                    $"host country {country} has no contact of kind {string.Join(", ", missing)}: a person who discloses danger there must be given one"));
            }
        }
    }

    /// <summary>
    /// "{programme}" in the middle of a sentence is declined by the grammar around it ("de le programme"); set apart
    /// after a colon it reads right in every language.
    /// </summary>
    private static void CheckNounPhrasePlaceholders(ContentModel model, List<ContentDiagnostic> diagnostics)
    {
        foreach (var (language, table) in model.Strings)
        {
            foreach (var (key, entry) in table)
            {
                foreach (var placeholder in NounPhrasePlaceholders)
                {
                    var at = entry.Text.IndexOf("{" + placeholder + "}", StringComparison.Ordinal);
                    if (at > 0 && entry.Text[..at].TrimEnd() is { Length: > 0 } before && before[^1] is not (':' or '：' or '፦'))
                    {
                        diagnostics.Add(Policy($"strings/{language}.yaml", entry.Line,
                            $"string '{key}' declines {{{placeholder}}} into the sentence; set it apart after a colon (\"…: {{{placeholder}}}.\") so its own words stay whole"));
                    }
                }
            }
        }
    }

    private static void CheckGlossary(ContentModel model, List<ContentDiagnostic> diagnostics)
    {
        foreach (var (language, terms) in model.Glossary)
        {
            var texts = model.Strings.GetValueOrDefault(language)?.Select(s => ($"strings/{language}.yaml", s.Value.Line, $"string '{s.Key}'", s.Value.Text)) ?? [];
            texts = texts.Concat(model.Articles.Where(a => a.Language == language)
                .SelectMany(a => (a.Title + "\n\n" + a.BodyMarkdown).Split("\n\n").Select(p => ($"articles/{language}/{a.Id}.md", 1, $"article '{a.Id}'", p))));
            foreach (var (file, line, what, text) in texts)
            {
                var folded = " " + TextFolding.Fold(text) + " ";
                foreach (var term in terms)
                {
                    foreach (var variant in term.Avoid.Where(v => folded.Contains(" " + TextFolding.Fold(v) + " ", StringComparison.Ordinal)))
                    {
                        diagnostics.Add(Policy(file, line, $"{what} writes “{variant}”; the '{language}' glossary says “{term.Use}” (glossary.yaml line {term.Line})"));
                    }
                }
            }
        }
    }

    /// <summary>A translation marked current must state the numbers of its source: a changed amount or age shows here.</summary>
    private static void CheckNumbers(ContentModel model, List<ContentDiagnostic> diagnostics)
    {
        if (!model.Strings.TryGetValue(model.SourceLanguage, out var source))
        {
            return;
        }

        foreach (var (language, table) in model.Strings.Where(s => s.Key != model.SourceLanguage))
        {
            foreach (var (key, entry) in table)
            {
                // A clock time may rightly read "5 pm" for "17:00": those texts are left to the reviewer.
                if (source.TryGetValue(key, out var original) && entry.SourceHash == KnowledgeLoader.SourceHash(original.Text) && !ClockTime().IsMatch(original.Text)
                    && Numbers(entry.Text) is var found && Numbers(original.Text) is var expected && !found.SequenceEqual(expected))
                {
                    diagnostics.Add(Policy($"strings/{language}.yaml", entry.Line, $"string '{key}' states the numbers [{string.Join(", ", found)}] where its source states [{string.Join(", ", expected)}]"));
                }
            }
        }

        var originals = model.Articles.Where(a => a.Language == model.SourceLanguage).ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var article in model.Articles.Where(a => a.Language != model.SourceLanguage))
        {
            if (originals.TryGetValue(article.Id, out var original)
                && model.ArticleLinks.GetValueOrDefault((article.Language, article.Id))?.TranslatedFrom == KnowledgeLoader.ArticleSourceHash(original.Title, original.BodyMarkdown)
                && Numbers(article.BodyMarkdown) is var found && Numbers(original.BodyMarkdown) is var expected && !found.SequenceEqual(expected))
            {
                diagnostics.Add(Policy($"articles/{article.Language}/{article.Id}.md", 1, $"article states the numbers [{string.Join(", ", found)}] where its source states [{string.Join(", ", expected)}]"));
            }
        }
    }

    /// <summary>The numbers a text states, whatever digits its script uses, thousands separators removed, in order.</summary>
    internal static List<long> Numbers(string text)
    {
        var ascii = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            ascii.Append(char.IsDigit(c) ? (char)('0' + (int)CharUnicodeInfo.GetNumericValue(c)) : c);
        }

        return NumberPattern().Matches(ascii.ToString())
            .Select(m => long.TryParse(new string(m.Value.Where(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Order().ToList();
    }

    [GeneratedRegex(@"\b\d{1,2}:\d{2}\b")]
    private static partial Regex ClockTime();

    [GeneratedRegex(@"\d{1,15}(?:[.,\u00a0\u202f ]\d{3}(?!\d))*")]
    private static partial Regex NumberPattern();

    private static void CheckSafeguarding(ContentModel model, List<ContentDiagnostic> diagnostics)
    {
        const string Lexicon = "safeguarding/lexicon.yaml", Corpus = "safeguarding/corpus.yaml";
        foreach (var language in model.CompleteLanguages.Order(StringComparer.Ordinal))
        {
            var coverage = Coverage(model, language);
            foreach (var category in Enum.GetValues<SafeguardingCategory>())
            {
                if (coverage.Phrases.GetValueOrDefault(category) == 0)
                {
                    diagnostics.Add(Policy(Lexicon, 1, $"'{language}' has no phrase for {category}: a disclosure written in that language would not be noticed"));
                }

                if (coverage.Disclosures.GetValueOrDefault(category) == 0)
                {
                    diagnostics.Add(Policy(Corpus, 1, $"'{language}' has no {category} disclosure in the corpus to prove its phrases work"));
                }
            }

            if (coverage.Everyday < 3)
            {
                diagnostics.Add(Policy(Corpus, 1, $"'{language}' needs at least 3 everyday sentences in the corpus that must not raise an alarm (it has {coverage.Everyday})"));
            }
        }

        var matcher = new SafeguardingMatcher(model.Lexicon);
        foreach (var sentence in model.SafeguardingCorpus)
        {
            var detected = matcher.Detect(sentence.Text);
            if (detected != sentence.Expected)
            {
                diagnostics.Add(Policy(Corpus, sentence.Line, sentence.Expected is { } expected
                    ? $"'{sentence.Language}' disclosure “{sentence.Text}” {(detected is { } other ? $"is taken as {other}, not {expected}" : "raises no alarm")}: add or correct a phrase in {Lexicon}"
                    : $"'{sentence.Language}' everyday sentence “{sentence.Text}” raises a {detected} alarm: make the matching phrase in {Lexicon} more specific"));
            }
        }
    }

    internal static SafeguardingCoverage Coverage(ContentModel model, string language) => new(
        language,
        model.LexiconCoverage.GetValueOrDefault(language) ?? [],
        model.SafeguardingCorpus.Where(s => s.Language == language && s.Expected is not null).GroupBy(s => s.Expected!.Value).ToDictionary(g => g.Key, g => g.Count()),
        model.SafeguardingCorpus.Count(s => s.Language == language && s.Expected is null));
}
