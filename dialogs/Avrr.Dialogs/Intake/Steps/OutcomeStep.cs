using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake.Steps;

/// <summary>
/// The pre-screen's outcome: likely eligible, likely not, or unclear, always with the reasons, the sources and the
/// content version, never as a decision; then the offer of a counsellor.
/// </summary>
internal sealed class OutcomeStep : IStep
{
    public Step Id => Step.Outcome;

    public void Render(Turn turn) => OfferCounsellor(turn);

    public static void Show(Turn turn)
    {
        var result = turn.Knowledge.Evaluate(turn.State.Programme!, turn.State.Answers);
        var programme = turn.Knowledge.FindProgramme(result.ProgrammeId)!;
        var name = turn.T(programme.NameKey);
        turn.Say(result.Outcome switch
        {
            PreScreenOutcome.LikelyEligible => "outcome.likely_eligible",
            PreScreenOutcome.LikelyNotEligible => "outcome.likely_not_eligible",
            _ => "outcome.unclear",
        }, ("programme", name));
        if (result.Findings.Count > 0)
        {
            turn.SayText(turn.T("outcome.reasons") + "\n" + string.Join("\n", result.Findings.Select(f => Mark(f.Effect) + " " + turn.T(f.ReasonKey))));
        }

        if (result.Outcome != PreScreenOutcome.LikelyNotEligible && result.PossibleHelp.Count > 0)
        {
            turn.SayText(turn.T("outcome.help") + "\n" + string.Join("\n", result.PossibleHelp.Select(f => "• " + turn.T(f.TextKey))));
        }

        var sources = result.Findings.Select(f => f.Source).Concat(result.PossibleHelp.Select(f => f.Source))
            .SelectMany(s => s.Split("; ")).Distinct(StringComparer.Ordinal);
        turn.Say("outcome.footer", ("version", result.ContentVersion), ("sources", string.Join("; ", sources)));
        OfferCounsellor(turn);
    }

    private static string Mark(PreScreenOutcome effect) => effect switch
    {
        PreScreenOutcome.LikelyEligible => "✓",
        PreScreenOutcome.LikelyNotEligible => "✗",
        _ => "?",
    };

    private static List<ReplyChoice> Options(Turn turn) =>
    [
        new(Choices.HandoffYes, turn.T("common.yes")),
        new(Choices.HandoffNo, turn.T("common.no")),
    ];

    public static void OfferCounsellor(Turn turn)
    {
        turn.Say("outcome.offer");
        turn.Offer(Options(turn));
        turn.State.Step = Step.Outcome;
    }

    public void Handle(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(Options(turn), turn.Input.Value, text)?.Value)
        {
            case Choices.HandoffYes:
                Handoff.Request(turn, HandoffUrgency.Normal, "follow-up of the pre-screen");
                break;
            case Choices.HandoffNo:
                turn.Say("handoff.declined");
                MenuStep.Show(turn);
                break;
            default:
                Flow.Reprompt(turn);
                break;
        }
    }
}
