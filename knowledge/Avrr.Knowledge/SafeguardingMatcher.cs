namespace Avrr.Knowledge;

/// <summary>
/// Finds a safeguarding disclosure in a message: lexicon phrases of every language, matched as whole words after
/// folding and writing out contractions. When several phrases match, the longest (most specific) decides the
/// category, so "they will kill me if I go back" is a fear of return and not only a threat.
/// </summary>
internal sealed class SafeguardingMatcher(IReadOnlyDictionary<SafeguardingCategory, List<string>> lexicon)
{
    private readonly List<(SafeguardingCategory Category, string Phrase)> _phrases =
        lexicon.SelectMany(p => p.Value.Select(phrase => (p.Key, SpokenForms.Expand(" " + phrase + " ")))).ToList();

    public SafeguardingCategory? Detect(string text)
    {
        var folded = SpokenForms.Expand(" " + TextFolding.Fold(text) + " ");
        SafeguardingCategory? found = null;
        var longest = 0;
        foreach (var (category, phrase) in _phrases)
        {
            if (phrase.Length > longest && folded.Contains(phrase, StringComparison.Ordinal))
            {
                found = category;
                longest = phrase.Length;
            }
        }

        return found;
    }
}
