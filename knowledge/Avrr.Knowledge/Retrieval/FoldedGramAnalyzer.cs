using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;

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
        return new TokenStreamComponents(tokenizer, new FoldedWordFilter(tokenizer, Length));
    }
}

/// <summary>Each word folded (one token may fold into several words, "l'école" into "l" and "ecole"), optionally cut to a prefix.</summary>
internal sealed class FoldedWordFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly Queue<string> _pending = new();
    private readonly int _prefix;

    public FoldedWordFilter(TokenStream input, int prefix)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _prefix = prefix;
    }

    public override bool IncrementToken()
    {
        while (_pending.Count == 0)
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            foreach (var word in TextFolding.Words(_term.ToString()))
            {
                // A single letter is a particle or a stray key in every script this serves ("د", "e"): it says nothing.
                if (word.Length > 1)
                {
                    _pending.Enqueue(word.Length > _prefix ? word[.._prefix] : word);
                }
            }
        }

        ClearAttributes();
        _term.SetEmpty().Append(_pending.Dequeue());
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _pending.Clear();
    }
}

/// <summary>
/// The misspelling net, for every language: Unicode word boundaries, then each word folded (<see cref="TextFolding"/>: case, diacritics,
/// Arabic-script letter variants, digits) and cut into character trigrams of the word padded with <c>_</c>, plus the
/// whole folded word. Trigrams of a padded word keep its beginning and end as their own terms, so a suffix added by
/// inflection ("passport" / "passportka") or one wrong letter still leaves most terms shared.
/// </summary>
internal sealed class FoldedGramAnalyzer : Analyzer
{
    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new StandardTokenizer(LanguageAnalysers.Version, reader);
        return new TokenStreamComponents(tokenizer, new FoldedGramFilter(tokenizer));
    }

    private sealed class FoldedGramFilter : TokenFilter
    {
        internal const int Size = 3;

        private readonly ICharTermAttribute _term;
        private readonly Queue<string> _pending = new();

        public FoldedGramFilter(TokenStream input)
            : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
        }

        public override bool IncrementToken()
        {
            while (_pending.Count == 0)
            {
                if (!m_input.IncrementToken())
                {
                    return false;
                }

                foreach (var word in TextFolding.Words(_term.ToString()))
                {
                    Split(word, _pending);
                }
            }

            ClearAttributes();
            _term.SetEmpty().Append(_pending.Dequeue());
            return true;
        }

        public override void Reset()
        {
            base.Reset();
            _pending.Clear();
        }

        private static void Split(string word, Queue<string> into)
        {
            into.Enqueue(word);
            if (word.Length < 2)
            {
                return;
            }

            var padded = "_" + word + "_";
            for (var i = 0; i + Size <= padded.Length; i++)
            {
                into.Enqueue(padded.Substring(i, Size));
            }
        }
    }
}
