using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;

namespace Avrr.Knowledge.Retrieval;

/// <summary>Unicode word boundaries, each word folded (<see cref="TextFolding"/>), then made into terms one of two ways.</summary>
internal sealed class FoldedAnalyzer(Func<string, IEnumerable<string>> terms) : Analyzer
{
    /// <summary>Words are cut to this many characters by <see cref="Prefixes"/>.</summary>
    internal const int PrefixLength = 5;

    private const int GramSize = 3;

    /// <summary>
    /// The analysis of languages Lucene has no analyser for: each folded word cut to its first <see cref="PrefixLength"/>
    /// characters. Cutting words to a fixed prefix is a crude stemmer that works well for suffixing languages (Somali,
    /// Albanian, Georgian, Ukrainian, Bengali, Urdu, Amharic): "passporta", "passportka" and "passport" meet at "passp".
    /// </summary>
    public static FoldedAnalyzer Prefixes { get; } = new(Prefix);

    /// <summary>
    /// The misspelling net, for every language: each folded word, and the character trigrams of the word padded with
    /// <c>_</c>. Trigrams of a padded word keep its beginning and end as their own terms, so a suffix added by
    /// inflection or one wrong letter still leaves most terms shared.
    /// </summary>
    public static FoldedAnalyzer Grams { get; } = new(WordAndGrams);

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new StandardTokenizer(LanguageAnalysers.Version, reader);
        return new TokenStreamComponents(tokenizer, new FoldedWordFilter(tokenizer, terms));
    }

    private static IEnumerable<string> Prefix(string word)
    {
        // A single letter is a particle or a stray key in every script this serves ("د", "e"): it says nothing.
        if (word.Length > 1)
        {
            yield return word.Length > PrefixLength ? word[..PrefixLength] : word;
        }
    }

    private static IEnumerable<string> WordAndGrams(string word)
    {
        yield return word;
        if (word.Length < 2)
        {
            yield break;
        }

        var padded = "_" + word + "_";
        for (var i = 0; i + GramSize <= padded.Length; i++)
        {
            yield return padded.Substring(i, GramSize);
        }
    }
}
