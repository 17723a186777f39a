using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;

namespace Avrr.Knowledge.Retrieval;

/// <summary>
/// The analysis of languages Lucene has no analyser for: Unicode word boundaries, each word folded
/// (<see cref="TextFolding"/>) and cut to its first <see cref="Length"/> characters. Cutting words to a fixed prefix is
/// a crude stemmer that works well for suffixing languages (Somali, Albanian, Georgian, Ukrainian, Bengali, Urdu,
/// Amharic): "passporta", "passportka" and "passport" meet at "passp".
/// </summary>
internal sealed class FoldedPrefixAnalyzer : Analyzer
{
    internal const int Length = 5;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new StandardTokenizer(LanguageAnalysers.Version, reader);
        return new TokenStreamComponents(tokenizer, new FoldedWordFilter(tokenizer, Prefix));
    }

    private static IEnumerable<string> Prefix(string word)
    {
        // A single letter is a particle or a stray key in every script this serves ("د", "e"): it says nothing.
        if (word.Length > 1)
        {
            yield return word.Length > Length ? word[..Length] : word;
        }
    }
}
