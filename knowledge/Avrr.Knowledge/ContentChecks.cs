namespace Avrr.Knowledge;

/// <summary>
/// Cross-file checks: references between files, translations, reachability. Per-file schema errors come from the
/// reader; together they are what <c>knowledge validate</c> prints.
/// </summary>
internal static partial class ContentChecks
{
    /// <param name="editorial">
    /// False for a version that passed every check when it was published: the editorial checks (contacts, noun
    /// phrases, glossary, numbers, safeguarding), whose errors it would be served despite, are the slow part of a start.
    /// </param>
    public static void Run(ContentModel model, IReadOnlyDictionary<string, string> files, List<ContentDiagnostic> diagnostics, bool editorial = true)
    {
        if (model.Languages.Count == 0)
        {
            return;
        }

        var declared = model.Languages.Select(l => l.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var language in new[] { model.SourceLanguage, model.DefaultLanguage }.Where(l => !declared.Contains(l)))
        {
            diagnostics.Add(new ContentDiagnostic("content.yaml", 1, $"language '{language}' is used as source or default but not declared"));
        }

        foreach (var language in model.Languages.Where(l => l.Fallback is not null && (l.Fallback == l.Code || !declared.Contains(l.Fallback))))
        {
            diagnostics.Add(new ContentDiagnostic("content.yaml", 1, $"language '{language.Code}' falls back to '{language.Fallback}', which is not another declared language"));
        }

        if (!model.Strings.TryGetValue(model.SourceLanguage, out var source))
        {
            diagnostics.Add(new ContentDiagnostic($"strings/{model.SourceLanguage}.yaml", 1, "missing: the source language's strings"));
            return;
        }

        CheckRequiredPlaceholders(source, model.SourceLanguage, diagnostics);
        CheckTranslations(model, source, declared, diagnostics);
        CheckReferences(model, source, diagnostics);
        CheckRulesAndReachability(model, diagnostics);
        CheckArticles(model, declared, diagnostics);
        CheckTypedWords(model, diagnostics);
        if (!editorial)
        {
            return;
        }

        CheckContactCoverage(model, diagnostics);
        CheckNounPhrasePlaceholders(model, diagnostics);
        CheckGlossary(model, diagnostics);
        CheckNumbers(model, diagnostics);
        CheckSafeguarding(model, diagnostics);
    }

    /// <summary>
    /// Texts that state how long data is kept must take the periods from the host's settings, never write a number:
    /// the notice and the retention sweep then cannot disagree.
    /// </summary>
    private static readonly (string Key, string[] Placeholders)[] RequiredPlaceholders =
    [
        ("consent.short", ["retention_days"]),
        ("consent.full", ["retention_days", "case_retention_days"]),
        ("data.item_messages", ["retention_days"]),
    ];

    private static void CheckRequiredPlaceholders(Dictionary<string, TranslatedString> source, string language, List<ContentDiagnostic> diagnostics)
    {
        foreach (var (key, required) in RequiredPlaceholders)
        {
            if (source.TryGetValue(key, out var entry) && required.FirstOrDefault(p => !Placeholders(entry.Text).Contains(p)) is { } missing)
            {
                diagnostics.Add(new ContentDiagnostic($"strings/{language}.yaml", entry.Line, $"string '{key}' must say the period with {{{missing}}} (from the Privacy:Retention settings), not a number"));
            }
        }
    }

    internal static HashSet<string> Placeholders(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"\{([a-z_]+)\}").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    private static void CheckTranslations(ContentModel model, Dictionary<string, TranslatedString> source, HashSet<string> declared, List<ContentDiagnostic> diagnostics)
    {
        foreach (var (language, table) in model.Strings)
        {
            var file = $"strings/{language}.yaml";
            if (!declared.Contains(language))
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"language '{language}' is not declared in content.yaml"));
                continue;
            }

            if (language == model.SourceLanguage)
            {
                continue;
            }

            // Languages declared complete must be; the others are shown with a fallback note and only warned about.
            var severity = model.CompleteLanguages.Contains(language) ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
            foreach (var (key, translation) in table)
            {
                if (!source.TryGetValue(key, out var original))
                {
                    diagnostics.Add(new ContentDiagnostic(file, translation.Line, $"string '{key}' has no source text in strings/{model.SourceLanguage}.yaml"));
                }
                else if (translation.SourceHash is null)
                {
                    diagnostics.Add(new ContentDiagnostic(file, translation.Line, $"string '{key}' does not record the source it was translated from (source: {KnowledgeLoader.SourceHash(original.Text)})"));
                }
                else if (translation.SourceHash != KnowledgeLoader.SourceHash(original.Text))
                {
                    diagnostics.Add(new ContentDiagnostic(file, translation.Line, $"string '{key}' is stale: its source text changed since it was translated", severity));
                }
                else if (!Placeholders(translation.Text).SetEquals(Placeholders(original.Text)))
                {
                    // A lost {placeholder} shows the person a gap; an invented one shows them the braces.
                    diagnostics.Add(new ContentDiagnostic(file, translation.Line, $"string '{key}' must use the placeholders of its source: {string.Join(", ", Placeholders(original.Text).Order(StringComparer.Ordinal).Select(p => "{" + p + "}"))}"));
                }
            }

            var missing = source.Keys.Where(k => !table.ContainsKey(k)).ToList();
            if (missing.Count > 0)
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"{missing.Count} strings are not translated: {string.Join(", ", missing.Take(12))}{(missing.Count > 12 ? ", …" : "")}", severity));
            }
        }

        foreach (var language in model.CompleteLanguages.Where(l => l != model.SourceLanguage && !model.Strings.ContainsKey(l)))
        {
            diagnostics.Add(new ContentDiagnostic($"strings/{language}.yaml", 1, $"missing: '{language}' is declared complete"));
        }
    }

    private static void CheckReferences(ContentModel model, Dictionary<string, TranslatedString> source, List<ContentDiagnostic> diagnostics)
    {
        void Need(string file, string key, string what)
        {
            if (!source.ContainsKey(key))
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"{what} uses string '{key}', which strings/{model.SourceLanguage}.yaml does not define"));
            }
        }

        foreach (var question in model.Questions.Values)
        {
            Need("questions.yaml", question.PromptKey, $"question '{question.Id}'");
            foreach (var option in question.Options)
            {
                Need("questions.yaml", option.LabelKey, $"option '{question.Id}.{option.Id}'");
            }
        }

        foreach (var (id, definition) in model.Programmes)
        {
            var file = $"programmes/{definition.Programme.HostCountry.ToLowerInvariant()}.yaml";
            Need(file, definition.Programme.NameKey, $"programme '{id}'");
            Need(file, definition.Programme.SummaryKey, $"programme '{id}'");
            foreach (var rule in definition.Rules)
            {
                Need(file, rule.ReasonKey, $"rule '{rule.Id}'");
            }

            foreach (var fact in definition.Programme.Facts)
            {
                Need(file, fact.TextKey, $"fact '{fact.Id}'");
            }
        }

        foreach (var country in model.HostCountries)
        {
            Need($"programmes/{country.Code.ToLowerInvariant()}.yaml", country.NameKey, $"host country '{country.Code}'");
        }

        foreach (var contact in model.Contacts)
        {
            Need($"contacts/{contact.HostCountry.ToLowerInvariant()}.yaml", contact.NameKey, $"contact '{contact.Id}'");
        }

        foreach (var canned in model.Service.CannedResponses)
        {
            Need("content.yaml", "canned." + canned, $"canned response '{canned}'");
        }

        if (model.Service.Hours.Count > 0)
        {
            // Out of hours the person is told when counsellors work, in their language: the hours need their wording.
            Need("content.yaml", "service.hours", "the office hours");
        }
    }

    private static void CheckRulesAndReachability(ContentModel model, List<ContentDiagnostic> diagnostics)
    {
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, definition) in model.Programmes)
        {
            var file = $"programmes/{definition.Programme.HostCountry.ToLowerInvariant()}.yaml";
            foreach (var question in definition.Questions)
            {
                if (!model.Questions.ContainsKey(question.QuestionId))
                {
                    diagnostics.Add(new ContentDiagnostic(file, 1, $"programme '{id}' asks unknown question '{question.QuestionId}'"));
                    continue;
                }

                asked.Add(question.QuestionId);
                CheckConditions(model, file, $"question '{question.QuestionId}' (ask_if)", question.AskIf, definition, diagnostics);
            }

            foreach (var rule in definition.Rules)
            {
                CheckConditions(model, file, $"rule '{rule.Id}'", rule.Conditions, definition, diagnostics);
            }
        }

        foreach (var question in model.Questions.Keys.Where(q => !asked.Contains(q)))
        {
            diagnostics.Add(new ContentDiagnostic("questions.yaml", 1, $"question '{question}' is unreachable: no programme asks it"));
        }
    }

    private static void CheckConditions(ContentModel model, string file, string what, IReadOnlyDictionary<string, IReadOnlyList<string>> conditions, ProgrammeDefinition definition, List<ContentDiagnostic> diagnostics)
    {
        foreach (var (questionId, answers) in conditions)
        {
            if (!model.Questions.TryGetValue(questionId, out var question))
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"{what} references unknown question '{questionId}'"));
                continue;
            }

            if (definition.Questions.All(q => q.QuestionId != questionId))
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"{what} references question '{questionId}', which this programme never asks"));
            }

            foreach (var answer in answers.Where(a => question.Options.All(o => o.Id != a) && a is not (SpecialAnswers.DontKnow or SpecialAnswers.PreferNotToSay)))
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"{what} references unknown answer '{answer}' of question '{questionId}'"));
            }
        }
    }

    private static void CheckArticles(ContentModel model, HashSet<string> declared, List<ContentDiagnostic> diagnostics)
    {
        var sources = model.Articles.Where(a => a.Language == model.SourceLanguage).ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var article in model.Articles)
        {
            var file = $"articles/{article.Language}/{article.Id}.md";
            if (!declared.Contains(article.Language))
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"language '{article.Language}' is not declared in content.yaml"));
            }
            else if (article.Language == model.SourceLanguage)
            {
                continue;
            }
            else if (!sources.TryGetValue(article.Id, out var original))
            {
                diagnostics.Add(new ContentDiagnostic(file, 1, $"article '{article.Id}' has no source article in articles/{model.SourceLanguage}/"));
            }
            else
            {
                var expected = KnowledgeLoader.ArticleSourceHash(original.Title, original.BodyMarkdown);
                var link = model.ArticleLinks[(article.Language, article.Id)];
                var severity = model.CompleteLanguages.Contains(article.Language) ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
                if (link.TranslatedFrom is null)
                {
                    diagnostics.Add(new ContentDiagnostic(file, 1, $"article '{article.Id}' does not record the source it was translated from (translated_from: {expected})"));
                }
                else if (link.TranslatedFrom != expected)
                {
                    diagnostics.Add(new ContentDiagnostic(file, 1, $"article '{article.Id}' is stale: the {model.SourceLanguage} article changed since it was translated", severity));
                }
            }
        }

        foreach (var id in model.CoreArticles.Where(id => !sources.ContainsKey(id)))
        {
            diagnostics.Add(new ContentDiagnostic("content.yaml", 1, $"core article '{id}' does not exist in articles/{model.SourceLanguage}/"));
        }

        // A WhatsApp list holds 10 rows, and the topics add "Counsellor" and "Main menu": more would be cut off there.
        if (model.LearnMenu.Count > 8)
        {
            diagnostics.Add(new ContentDiagnostic("content.yaml", 1, $"learn_menu offers {model.LearnMenu.Count} articles; at most 8 fit a WhatsApp list with the counsellor and the main menu"));
        }

        // Typed questions are matched against example questions most of all (docs/retrieval.md): an article without
        // them in a complete language is one people there reach only by its title's words.
        foreach (var article in model.Articles.Where(a => model.CompleteLanguages.Contains(a.Language) && a.Examples.Count == 0))
        {
            diagnostics.Add(new ContentDiagnostic($"articles/{article.Language}/{article.Id}.md", 1, $"article '{article.Id}' has no example questions in '{article.Language}', which is declared complete: typed questions will rarely find it", DiagnosticSeverity.Warning));
        }

        foreach (var id in model.LearnMenu.Where(id => !sources.ContainsKey(id)))
        {
            diagnostics.Add(new ContentDiagnostic("content.yaml", 1, $"learn_menu names article '{id}', which does not exist in articles/{model.SourceLanguage}/"));
        }

        foreach (var language in model.CompleteLanguages.Where(l => l != model.SourceLanguage))
        {
            foreach (var id in model.CoreArticles.Where(id => sources.ContainsKey(id) && !model.ArticleLinks.ContainsKey((language, id))))
            {
                diagnostics.Add(new ContentDiagnostic($"articles/{language}/{id}.md", 1, $"missing: core article '{id}' is required in '{language}', which is declared complete"));
            }
        }
    }
}
