namespace Avrr.Knowledge;

/// <summary>
/// BM25 over folded words of one language's articles. Answers come only from curated content, and weak matches
/// return nothing so the person is offered a counsellor instead of a wrong answer.
/// </summary>
internal sealed class ArticleIndex
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    /// <summary>A match must cover at least half of the question's meaningful words, so one common word does not answer it.</summary>
    private const double MinimumCoverage = 0.5;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "and", "or", "of", "to", "in", "is", "are", "i", "you", "my", "me", "do", "can", "what", "how", "for", "it", "be", "with", "on", "if", "at",
        "le", "la", "les", "de", "des", "du", "et", "ou", "un", "une", "je", "est", "pour", "que", "qui", "en", "dans", "il", "vous", "mon", "ma", "mes", "ce", "au",
        "في", "من", "على", "ان", "الي", "هل", "ما", "و", "که", "را", "از", "به", "با", "در", "این", "است", "ای",
    };

    private readonly List<Document> _documents;
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
    private readonly double _averageLength;

    public ArticleIndex(List<Document> documents)
    {
        _documents = documents;
        foreach (var document in documents)
        {
            foreach (var term in document.Terms.Keys)
            {
                _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
            }
        }

        _averageLength = documents.Count == 0 ? 1 : documents.Average(d => d.Length);
    }

    public IEnumerable<ArticleMatch> Search(string query, int max)
    {
        var terms = Tokens(query).Distinct(StringComparer.Ordinal).ToList();
        if (terms.Count == 0)
        {
            return [];
        }

        return _documents
            .Where(d => terms.Count(d.Terms.ContainsKey) >= Math.Max(1, Math.Ceiling(terms.Count * MinimumCoverage)))
            .Select(d => new ArticleMatch(d.Article, Score(d, terms)))
            .Where(m => m.Score > 0)
            .OrderByDescending(m => m.Score)
            .Take(max);
    }

    private double Score(Document document, List<string> terms)
    {
        var score = 0.0;
        foreach (var term in terms)
        {
            if (!document.Terms.TryGetValue(term, out var frequency))
            {
                continue;
            }

            var df = _documentFrequency[term];
            var idf = Math.Log(1 + ((_documents.Count - df + 0.5) / (df + 0.5)));
            score += idf * (frequency * (K1 + 1)) / (frequency + (K1 * (1 - B + (B * document.Length / _averageLength))));
        }

        return score;
    }

    internal static IEnumerable<string> Tokens(string text) =>
        TextFolding.Words(text).Where(w => w.Length > 1 && !StopWords.Contains(w)).Select(Stem);

    /// <summary>A light suffix strip so "documents" finds "document"; enough for short curated articles.</summary>
    private static string Stem(string word) =>
        word.Length > 4 && word.EndsWith('s') ? word[..^1] : word;

    internal sealed class Document
    {
        public Document(Article article)
        {
            Article = article;
            // The title counts twice: it says what the article is about.
            var tokens = Tokens(article.Title).Concat(Tokens(article.Title)).Concat(Tokens(article.BodyMarkdown)).ToList();
            Length = tokens.Count;
            Terms = tokens.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }

        public Article Article { get; }

        public int Length { get; }

        public Dictionary<string, int> Terms { get; }
    }
}
