using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;

namespace Avrr.Knowledge.Retrieval;

/// <summary>
/// The misspelling net, for every language: Unicode word boundaries, then each word folded (<see cref="TextFolding"/>: case, diacritics,
/// Arabic-script letter variants, digits) and cut into character trigrams of the word padded with <c>_</c>, plus the
/// whole folded word. Trigrams of a padded word keep its beginning and end as their own terms, so a suffix added by
/// inflection ("passport" / "passportka") or one wrong letter still leaves most terms shared.
/// </summary>
internal sealed class FoldedGramAnalyzer : Analyzer
{
    private const int Size = 3;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new StandardTokenizer(LanguageAnalysers.Version, reader);
        return new TokenStreamComponents(tokenizer, new FoldedWordFilter(tokenizer, WordAndGrams));
    }

    private static IEnumerable<string> WordAndGrams(string word)
    {
        yield return word;
        if (word.Length < 2)
        {
            yield break;
        }

        var padded = "_" + word + "_";
        for (var i = 0; i + Size <= padded.Length; i++)
        {
            yield return padded.Substring(i, Size);
        }
    }
}
