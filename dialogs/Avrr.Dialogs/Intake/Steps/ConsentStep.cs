using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake.Steps;

/// <summary>
/// Tiered consent: a short notice, the full notice on request, yes or no. Declining leaves an information-only mode.
/// The notice's version is a hash of its source text, so a changed notice is asked again.
/// </summary>
internal sealed class ConsentStep : IStep
{
    public Step Id => Step.Consent;

    public void Render(Turn turn) => Ask(turn);

    public static void Ask(Turn turn)
    {
        turn.Say("consent.short");
        turn.Offer(Options(turn));
        turn.State.Step = Step.Consent;
    }

    public static List<ReplyChoice> Options(Turn turn) =>
    [
        new(Choices.ConsentYes, turn.T("consent.yes")),
        new(Choices.ConsentNo, turn.T("consent.no")),
        new(Choices.ConsentMore, turn.T("consent.more")),
    ];

    public void Handle(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(Options(turn), turn.Input.Value, text)?.Value)
        {
            case Choices.ConsentYes:
                Record(turn, given: true);
                turn.Say("consent.accepted");
                MenuStep.Show(turn);
                break;
            case Choices.ConsentNo:
                Record(turn, given: false);
                turn.Say("consent.declined");
                MenuStep.Show(turn);
                break;
            case Choices.ConsentMore:
                turn.Say("consent.full");
                if (turn.Terms.MachineTranslation)
                {
                    turn.Say("privacy.translation");
                }

                turn.Say("consent.short");
                turn.Offer(Options(turn).Take(2));
                break;
            default:
                Flow.Reprompt(turn);
                break;
        }
    }

    public static void Record(Turn turn, bool given)
    {
        turn.State.Consent = new ConsentRecord(Version(turn.Knowledge), given, turn.Input.Now);
        turn.State.Retries = 0;
        if (!given)
        {
            // Information-only mode keeps no answers.
            turn.State.Answers.Clear();
            turn.State.Words.Clear();
            turn.State.Programme = null;
            foreach (var category in turn.State.FlagNotes.Keys)
            {
                turn.State.FlagNotes[category] = turn.State.FlagNotes[category] with { Message = null };
            }
        }
    }

    /// <summary>The consent notice's version is its source text: a changed notice asks again.</summary>
    private static string Version(IKnowledgeSnapshot knowledge) =>
        KnowledgeLoader.SourceHash(knowledge.Text("consent.short", knowledge.SourceLanguage).Text);

    public static bool IsCurrent(Turn turn) => turn.State.Consent?.Version == Version(turn.Knowledge);
}
