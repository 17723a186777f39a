namespace Avrr.Knowledge;

public enum TranslationState { Missing, Stale, NeedsReview, Reviewed }

public enum ReviewEntryKind { UiString, Article }

/// <summary>
/// One translatable entry in one language beside its source: a UI string (<c>Key</c> is the string key) or an
/// article (<c>Key</c> is the article id; texts are the title and the Markdown body).
/// </summary>
public sealed record ReviewEntry(
    ReviewEntryKind Kind,
    string Language,
    string Key,
    string SourceText,
    string? SourceBody,
    string? Text,
    string? Body,
    TranslationState State,
    string SourceHash);

/// <summary>The translation state of a content set, per language, as the reviewers' screens show it.</summary>
public sealed class ContentReview
{
    private ContentReview(string sourceLanguage, IReadOnlyList<LanguageInfo> languages, IReadOnlyList<ReviewEntry> entries)
    {
        SourceLanguage = sourceLanguage;
        Languages = languages;
        Entries = entries;
    }

    public string SourceLanguage { get; }
    public IReadOnlyList<LanguageInfo> Languages { get; }
    public IReadOnlyList<ReviewEntry> Entries { get; }

    public IEnumerable<ReviewEntry> For(string language) => Entries.Where(e => e.Language == language);

    /// <summary>Per language: how many entries are in each state.</summary>
    public IReadOnlyDictionary<TranslationState, int> Counts(string language) =>
        Enum.GetValues<TranslationState>().ToDictionary(s => s, s => Entries.Count(e => e.Language == language && e.State == s));

    internal static ContentReview From(ContentModel model)
    {
        var entries = new List<ReviewEntry>();
        if (!model.Strings.TryGetValue(model.SourceLanguage, out var source))
        {
            return new ContentReview(model.SourceLanguage, model.Languages, entries);
        }

        var sourceArticles = model.Articles.Where(a => a.Language == model.SourceLanguage).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        foreach (var language in model.Languages.Select(l => l.Code).Where(l => l != model.SourceLanguage))
        {
            var table = model.Strings.GetValueOrDefault(language);
            foreach (var (key, original) in source)
            {
                var hash = KnowledgeLoader.SourceHash(original.Text);
                var translation = table?.GetValueOrDefault(key);
                entries.Add(new ReviewEntry(ReviewEntryKind.UiString, language, key, original.Text, null, translation?.Text, null,
                    State(translation is null, translation?.SourceHash == hash, translation?.NeedsReview ?? false), hash));
            }

            foreach (var article in sourceArticles)
            {
                var hash = KnowledgeLoader.ArticleSourceHash(article.Title, article.BodyMarkdown);
                var translation = model.Articles.FirstOrDefault(a => a.Language == language && a.Id == article.Id);
                var link = model.ArticleLinks.GetValueOrDefault((language, article.Id));
                entries.Add(new ReviewEntry(ReviewEntryKind.Article, language, article.Id, article.Title, article.BodyMarkdown, translation?.Title, translation?.BodyMarkdown,
                    State(translation is null, link?.TranslatedFrom == hash, link?.NeedsReview ?? false), hash));
            }
        }

        return new ContentReview(model.SourceLanguage, model.Languages, entries);
    }

    private static TranslationState State(bool missing, bool current, bool machine) =>
        missing ? TranslationState.Missing : !current ? TranslationState.Stale : machine ? TranslationState.NeedsReview : TranslationState.Reviewed;
}
