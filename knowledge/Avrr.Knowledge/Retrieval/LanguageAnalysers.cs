using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Ar;
using Lucene.Net.Analysis.Ckb;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Fa;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Nl;
using Lucene.Net.Analysis.Pt;
using Lucene.Net.Analysis.Ro;
using Lucene.Net.Analysis.Ru;
using Lucene.Net.Analysis.Tr;
using Lucene.Net.Util;

namespace Avrr.Knowledge.Retrieval;

/// <summary>
/// The text analysis of each language: Lucene's analyser where one exists (normalisation, stop words, stemming), and
/// for every language the folded character n-grams that catch misspellings, missing diacritics and the languages
/// Lucene has no analyser for. Analysers hold no per-content state, so one set serves every content version (building
/// them per version would leave their per-thread buffers behind each time content is published).
/// </summary>
internal static class LanguageAnalysers
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private static readonly Dictionary<string, Analyzer> Stemming = new(StringComparer.Ordinal)
    {
        ["en"] = new EnglishAnalyzer(Version),
        ["fr"] = new FrenchAnalyzer(Version),
        ["ar"] = new ArabicAnalyzer(Version),
        ["fa"] = new PersianAnalyzer(Version),
        // Dari is Persian as written in Afghanistan: the same script, stop words and affixes.
        ["prs"] = new PersianAnalyzer(Version),
        ["es"] = new SpanishAnalyzer(Version),
        ["ru"] = new RussianAnalyzer(Version),
        ["nl"] = new DutchAnalyzer(Version),
        ["de"] = new GermanAnalyzer(Version),
        ["tr"] = new TurkishAnalyzer(Version),
        ["pt"] = new PortugueseAnalyzer(Version),
        ["ro"] = new RomanianAnalyzer(Version),
        ["ckb"] = new SoraniAnalyzer(Version),
    };

    /// <summary>Folded n-grams, the same for every language.</summary>
    public static Analyzer Grams => FoldedAnalyzer.Grams;

    /// <summary>How a language's words are analysed: Lucene's analyser, or folded word prefixes where it has none.</summary>
    public static Analyzer WordsFor(string language) => Stemming.GetValueOrDefault(language) ?? FoldedAnalyzer.Prefixes;

    public static bool HasStemmer(string language) => Stemming.ContainsKey(language);

    /// <summary>The terms an analyser makes of a text, in order; what is indexed and what a question is searched by.</summary>
    public static List<string> Terms(Analyzer analyser, string field, string text)
    {
        var terms = new List<string>();
        using var stream = analyser.GetTokenStream(field, text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(term.ToString());
        }

        stream.End();
        return terms;
    }
}
