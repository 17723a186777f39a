using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace Avrr.Knowledge.Retrieval;

/// <summary>
/// One language's articles in an in-memory Lucene index, built once per content version and never changed, so a
/// published version and its index are switched together. One document per article, with its title, keywords,
/// example questions and body as separate fields, each analysed by the language's words analyser (Lucene's stemming
/// analyser, or folded prefixes), and the title, keywords and examples also as folded trigrams (misspellings). A
/// question is scored by BM25 over the fields, each weighted (<see cref="Ranking"/>); near spellings of its words
/// count too. Article-level statistics matter: a word every article uses ("how", "can") weighs almost nothing.
/// </summary>
internal sealed class ArticleSearch
{
    private const string IdField = "id";
    private const string GramField = "grams";

    /// <summary>Questions are cut here: a question is a sentence or two, and the query stays small.</summary>
    internal const int MaxQuestion = 500;

    private const int MaxTerms = 64;

    private static readonly string[] WordFields = ["title", "keywords", "examples", "body"];

    private readonly IndexSearcher _searcher;
    private readonly Analyzer _words;
    private readonly Dictionary<string, Article> _articles;

    /// <summary>Every word term of the index, for near spellings (small: a few thousand terms per language).</summary>
    private readonly string[] _vocabulary;
    private readonly Ranking _ranking;

    public ArticleSearch(string language, IReadOnlyCollection<Article> articles, Ranking ranking)
    {
        Language = language;
        _ranking = ranking;
        _words = LanguageAnalysers.WordsFor(language);
        _articles = articles.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var analyser = new PerFieldAnalyzerWrapper(_words, new Dictionary<string, Analyzer> { [GramField] = LanguageAnalysers.Grams });
        var directory = new RAMDirectory();
        var config = new IndexWriterConfig(LanguageAnalysers.Version, analyser) { Similarity = new BM25Similarity() };
        using (var writer = new IndexWriter(directory, config))
        {
            foreach (var article in articles)
            {
                var fields = Fields(article);
                var document = new Document { new StringField(IdField, article.Id, Field.Store.YES) };
                foreach (var (name, text) in fields)
                {
                    document.Add(new TextField(name, text, Field.Store.NO));
                }

                document.Add(new TextField(GramField, string.Join("\n", fields.Where(f => f.Name != "body").Select(f => f.Text)), Field.Store.NO));
                writer.AddDocument(document);
            }

            writer.Commit();
        }

        var reader = DirectoryReader.Open(directory);
        _searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        _vocabulary = [.. WordFields.SelectMany(field => Vocabulary(reader, field)).Distinct(StringComparer.Ordinal)];
    }

    public string Language { get; }

    /// <summary>The terms the index holds for a field, as the analyser made them when the articles were written in.</summary>
    private static IEnumerable<string> Vocabulary(IndexReader reader, string field)
    {
        var terms = MultiFields.GetTerms(reader, field)?.GetEnumerator();
        while (terms is not null && terms.MoveNext())
        {
            yield return terms.Term.Utf8ToString();
        }
    }

    private static List<(string Name, string Text)> Fields(Article article) =>
    [
        ("title", article.Title),
        ("keywords", string.Join("\n", article.Keywords)),
        ("examples", string.Join("\n", article.Examples)),
        ("body", article.BodyMarkdown),
    ];

    /// <summary>Every article sharing a word with the question, best first.</summary>
    public List<RankedArticle> Rank(string question)
    {
        if (question.Length > MaxQuestion)
        {
            question = question[..MaxQuestion];
        }

        var words = LanguageAnalysers.Terms(_words, "title", question).Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        var near = words.ToDictionary(w => w, NearSpellings, StringComparer.Ordinal);
        var query = new BooleanQuery();
        foreach (var field in WordFields)
        {
            var weight = _ranking.FieldWeight(field);
            foreach (var word in words)
            {
                query.Add(new TermQuery(new Term(field, word)) { Boost = (float)weight }, Occur.SHOULD);
                foreach (var (term, similarity) in near[word])
                {
                    query.Add(new TermQuery(new Term(field, term)) { Boost = (float)(weight * _ranking.FuzzyWeight * similarity) }, Occur.SHOULD);
                }
            }
        }

        if (_ranking.GramWeight > 0)
        {
            foreach (var gram in LanguageAnalysers.Terms(LanguageAnalysers.Grams, GramField, question).Distinct(StringComparer.Ordinal).Take(MaxTerms * 4))
            {
                query.Add(new TermQuery(new Term(GramField, gram)) { Boost = (float)_ranking.GramWeight }, Occur.SHOULD);
            }
        }

        var ranked = new List<RankedArticle>();
        foreach (var hit in _searcher.Search(query, Math.Max(1, _articles.Count)).ScoreDocs)
        {
            var id = _searcher.Doc(hit.Doc).Get(IdField);
            ranked.Add(new RankedArticle(_articles[id], hit.Score));
        }

        return ranked;
    }

    /// <summary>
    /// The index's words at most one edit from a question word of <see cref="Ranking.FuzzyFrom"/> letters or more, with
    /// the same first letter, weighted like Lucene's fuzzy query (the word itself 1, one edit 1 - 1/length). A scan of
    /// the vocabulary costs far less than building Lucene's edit automata for every word and field.
    /// </summary>
    private List<(string Term, double Similarity)> NearSpellings(string word)
    {
        var result = new List<(string, double)>();
        if (word.Length < Ranking.FuzzyFrom || _ranking.FuzzyWeight <= 0)
        {
            return result;
        }

        foreach (var term in _vocabulary)
        {
            if (term.Length >= word.Length - 1 && term.Length <= word.Length + 1 && term[0] == word[0] && EditDistance.AtMostOne(word, term))
            {
                result.Add((term, term == word ? 1 : 1 - (1.0 / Math.Min(term.Length, word.Length))));
            }
        }

        return result;
    }
}

/// <summary>An article ranked for a question, with its score.</summary>
internal sealed record RankedArticle(Article Article, double Score);
