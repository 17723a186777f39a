namespace Avrr.Dialogs.Intake.Steps;

/// <summary>The check needs the answers kept: someone who declined consent is asked again, once, for that.</summary>
internal sealed class NeedConsentStep : IStep
{
    public Step Id => Step.NeedConsent;

    public void Render(Turn turn) => QuestionStep.StartCheck(turn);

    public void Handle(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(ConsentStep.Options(turn), turn.Input.Value, text)?.Value)
        {
            case Choices.ConsentYes:
                ConsentStep.Record(turn, given: true);
                turn.Say("consent.accepted");
                QuestionStep.StartCheck(turn);
                break;
            case Choices.ConsentNo:
                MenuStep.Show(turn);
                break;
            default:
                Flow.Reprompt(turn);
                break;
        }
    }
}
