using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake;

/// <summary>One turn in progress: the state being changed, the snapshot it reads, and the replies and signals it builds.</summary>
internal sealed class Turn(IKnowledgeSnapshot knowledge, IntakeState state, TurnInput input, IReadOnlyDictionary<string, string> placeholders, DataTerms terms)
{
    /// <summary>What the host keeps and whether it machine-translates, for the texts that must say so.</summary>
    public DataTerms Terms => terms;

    private readonly List<(string Text, bool Fallback, string Language)> _lines = [];
    private readonly List<DialogSignal> _signals = [];
    private List<ReplyChoice> _choices = [];

    public IKnowledgeSnapshot Knowledge => knowledge;

    public IntakeState State => state;

    public TurnInput Input => input;

    public string Language => state.Language ?? knowledge.DefaultLanguage;

    public IReadOnlyList<DialogSignal> Signals => _signals;

    public string T(string key, params (string Name, string Value)[] args) => Resolve(key, args).Text;

    /// <summary>Adds a line of the reply, from a string key in the person's language (or its fallback).</summary>
    public void Say(string key, params (string Name, string Value)[] args)
    {
        var text = Resolve(key, args);
        _lines.Add((text.Text, text.IsFallback, text.Language));
    }

    /// <summary>The string with its arguments and the engine's placeholders (the retention periods).</summary>
    private LocalizedText Resolve(string key, (string Name, string Value)[] args)
    {
        if (args.Length == 0)
        {
            return knowledge.Text(key, Language, placeholders);
        }

        var values = new Dictionary<string, string>(placeholders, StringComparer.Ordinal);
        foreach (var (name, value) in args)
        {
            values[name] = value;
        }

        return knowledge.Text(key, Language, values);
    }

    /// <summary>Adds text that is already resolved (an article, a composed list).</summary>
    public void SayText(string text, bool fallback = false, string? language = null) => _lines.Add((text, fallback, language ?? Language));

    /// <summary>The choices shown with the reply; replaces any set earlier in this turn.</summary>
    public void Offer(IEnumerable<ReplyChoice> choices) => _choices = choices.ToList();

    public void Signal(DialogSignal signal) => _signals.Add(signal);

    public IReadOnlyList<Reply> Build()
    {
        if (_lines.Count == 0)
        {
            return [];
        }

        var rtl = knowledge.FindLanguage(Language)?.RightToLeft ?? false;
        var fallback = _lines.FirstOrDefault(l => l.Fallback);
        if (fallback.Text is not null && !state.FallbackNoted)
        {
            // Say once per conversation, in the person's language, that some text is shown in another one.
            state.FallbackNoted = true;
            var name = knowledge.FindLanguage(fallback.Language)?.NativeName ?? fallback.Language;
            _lines.Insert(0, (T("lang.fallback_note", ("language", name)), false, Language));
        }

        var text = string.Join("\n\n", _lines.Select(l => l.Text));
        var choices = _choices.Count > input.Capabilities.MaxChoices || !input.Capabilities.SupportsChoices
            ? NumberedInText(ref text)
            : _choices;
        var parts = TextSplitter.Split(text, input.Capabilities.MaxTextLength);
        return parts.Select((part, i) => new Reply(part, i == parts.Count - 1 ? choices : [], Language, rtl)).ToList();
    }

    /// <summary>More choices than the channel shows: list them with numbers in the text; typing a number works.</summary>
    private List<ReplyChoice> NumberedInText(ref string text)
    {
        text += "\n\n" + string.Join("\n", _choices.Select((c, i) => $"{i + 1}. {c.Title}"));
        return input.Capabilities.SupportsChoices ? _choices.Take(input.Capabilities.MaxChoices).ToList() : [];
    }
}
