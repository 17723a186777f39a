using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// The intake conversation: language, tiered consent, main menu, information, the eligibility pre-screen,
/// safeguarding and hand-off. This class only dispatches: the greeting (<see cref="Greeting"/>), then what interrupts
/// any step (<see cref="Interruptions"/>), then the current step (<see cref="Flow"/>, one file per step in Steps/).
/// Stateless: everything about the person is in <see cref="IntakeState"/>.
/// </summary>
public sealed class IntakeEngine(IKnowledgeSource knowledge, DataTerms terms) : IDialogEngine
{
    /// <summary>
    /// The retention periods any text may name (<c>{retention_days}</c>, <c>{case_retention_days}</c>): from the
    /// host's settings, so the privacy notice can never promise something else than what the retention sweep does.
    /// </summary>
    private readonly Dictionary<string, string> _placeholders = new(StringComparer.Ordinal)
    {
        ["retention_days"] = terms.ConversationDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["case_retention_days"] = terms.ClosedCaseDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public IntakeEngine(IKnowledgeSource knowledge)
        : this(knowledge, DataTerms.Default)
    {
    }

    public TurnResult Run(string? state, TurnInput input)
    {
        var current = IntakeState.Parse(state);
        // A conversation keeps the content version it started with, until it restarts or the version is gone.
        var snapshot = (current.ContentVersion is { } version ? knowledge.Find(version) : null) ?? knowledge.Current;
        current.ContentVersion = snapshot.Version;
        var turn = new Turn(snapshot, current, input, _placeholders, terms);
        var text = input.Text is { Length: > TextFolding.MaxInput } lengthy ? lengthy[..TextFolding.MaxInput] : input.Text;
        if (input.Case != CaseStatus.None)
        {
            Interruptions.InCase(turn, text);
        }
        else if (!Greeting.Handled(turn, text) && !Interruptions.Handled(turn, text))
        {
            Flow.Handle(turn, text);
        }

        // Without consent the host keeps nothing beyond delivery; a conversation with a counsellor is kept for them.
        var keep = current.ConsentGiven || input.Case != CaseStatus.None && !turn.Signals.Any(s => s is EraseRequested);
        return new TurnResult(current.Serialize(), turn.Build(), turn.Signals, keep) { Language = current.Language };
    }

    public TurnResult Notify(string? state, CaseNotice notice, ChannelCapabilities capabilities, DateTimeOffset now)
    {
        var current = IntakeState.Parse(state);
        var snapshot = (current.ContentVersion is { } version ? knowledge.Find(version) : null) ?? knowledge.Current;
        current.ContentVersion = snapshot.Version;
        var backWithBot = notice is CaseNotice.HandedBack or CaseNotice.Closed;
        var input = new TurnInput(null, null, null, capabilities, now) { Case = backWithBot ? CaseStatus.None : CaseStatus.WithCounsellor };
        var turn = new Turn(snapshot, current, input, _placeholders, terms);
        CaseNotices.Tell(turn, notice);
        return new TurnResult(current.Serialize(), turn.Build(), [], current.ConsentGiven || !backWithBot) { Language = current.Language };
    }
}
