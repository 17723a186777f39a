using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Avrr.Knowledge.Retrieval;

/// <summary>
/// Folds each token (<see cref="TextFolding"/>; one token may fold into several words, "l'école" into "l" and
/// "ecole") and emits the terms <c>terms</c> makes of each word: a prefix, or the word and its n-grams.
/// </summary>
internal sealed class FoldedWordFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly Queue<string> _pending = new();
    private readonly Func<string, IEnumerable<string>> _terms;

    public FoldedWordFilter(TokenStream input, Func<string, IEnumerable<string>> terms)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _terms = terms;
    }

    public override bool IncrementToken()
    {
        while (_pending.Count == 0)
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }

            foreach (var term in TextFolding.Words(_term.ToString()).SelectMany(_terms))
            {
                _pending.Enqueue(term);
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
