namespace Avrr.Dialogs.Intake.Steps;

/// <summary>The main menu: information, what help can I get, a counsellor, my data, language. Free text is a question.</summary>
internal sealed class MenuStep : IStep
{
    public Step Id => Step.Menu;

    public void Render(Turn turn)
    {
        if (turn.State.Language is null)
        {
            LanguageStep.Ask(turn, null);
        }
        else
        {
            Show(turn);
        }
    }

    public static List<ReplyChoice> Options(Turn turn) =>
    [
        new(Choices.MenuLearn, turn.T("menu.learn")),
        new(Choices.MenuCheck, turn.T("menu.check")),
        new(Choices.MenuCounsellor, turn.T("menu.counsellor")),
        new(Choices.MenuMyData, turn.T("menu.mydata")),
        new(Choices.MenuLanguage, turn.T("menu.language")),
    ];

    public static void Show(Turn turn)
    {
        if (turn.State.Consent is not null && !ConsentStep.IsCurrent(turn))
        {
            turn.Say("consent.renew");
            ConsentStep.Ask(turn);
            return;
        }

        turn.Say("menu.prompt");
        turn.Offer(Options(turn));
        turn.State.Step = Step.Menu;
        turn.State.Question = null;
    }

    public void Handle(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(Options(turn), turn.Input.Value, text)?.Value)
        {
            case Choices.MenuLearn:
                Flow.Push(turn);
                LearnStep.Show(turn);
                break;
            case Choices.MenuCheck:
                Flow.Push(turn);
                QuestionStep.StartCheck(turn);
                break;
            case Choices.MenuCounsellor:
                Handoff.Request(turn, HandoffUrgency.Normal, "asked for a counsellor");
                break;
            case Choices.MenuMyData:
                ConfirmDeleteStep.ShowMyData(turn);
                break;
            case Choices.MenuLanguage:
                Flow.Push(turn);
                LanguageStep.Ask(turn, null);
                break;
            default:
                LearnStep.AnswerFreeText(turn, text);
                break;
        }
    }
}
