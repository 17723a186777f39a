namespace Avrr.Dialogs.Intake.Steps;

/// <summary>"My data": everything kept about the person in plain words, and deleting it after a confirmation.</summary>
internal sealed class ConfirmDeleteStep : IStep
{
    public Step Id => Step.ConfirmDelete;

    public void Render(Turn turn) => Ask(turn);

    public static void ShowMyData(Turn turn)
    {
        var state = turn.State;
        var items = new List<string> { turn.T("data.item_language", ("language", turn.Knowledge.FindLanguage(turn.Language)?.NativeName ?? turn.Language)) };
        if (state.Consent is { } consent)
        {
            items.Add(turn.T(consent.Given ? "data.item_consent_given" : "data.item_consent_declined", ("date", consent.At.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        }

        items.Add(turn.T(state.ConsentGiven ? "data.item_messages" : "data.item_no_messages"));
        if (state.ConsentGiven && state.Answers.Count > 0)
        {
            items.Add(turn.T("data.item_answers", ("answers", string.Join("; ", state.Answers.Select(a => AnswerLine(turn, a.Key, a.Value))))));
        }

        if (state.Flags.Count > 0)
        {
            items.Add(turn.T("data.item_flags"));
        }

        switch (turn.Input.Case)
        {
            case CaseStatus.Waiting:
                items.Add(turn.T("data.item_case_waiting"));
                break;
            case CaseStatus.WithCounsellor:
                items.Add(turn.T("data.item_case_active"));
                break;
        }

        if (turn.Input.Channel is "whatsapp" or "telegram")
        {
            items.Add(turn.T("data.item_address_" + turn.Input.Channel));
        }

        turn.Say("data.summary", ("items", string.Join("\n", items.Select(i => "• " + i))));
        turn.Offer([new ReplyChoice(Choices.DataDelete, turn.T("data.delete")), new ReplyChoice(Choices.BackToMenu, turn.T("common.menu"))]);
        turn.State.Step = Step.ConfirmDelete;
    }

    /// <summary>"Question: answer" with both as the person saw them (the host country question included).</summary>
    private static string AnswerLine(Turn turn, string questionId, string answer)
    {
        var prompt = questionId == QuestionStep.HostCountryQuestion || turn.Knowledge.FindQuestion(questionId) is not null
            ? turn.T(QuestionStep.PromptKey(turn, questionId))
            : questionId;
        var label = prompt == questionId ? answer : QuestionStep.Options(turn, questionId).FirstOrDefault(c => c.Value == Choices.AnswerPrefix + answer)?.Title ?? answer;
        return $"{prompt} {label}";
    }

    public static void Ask(Turn turn)
    {
        turn.Say("data.delete_confirm");
        turn.Offer([new ReplyChoice(Choices.DeleteYes, turn.T("common.yes")), new ReplyChoice(Choices.DeleteNo, turn.T("common.no"))]);
        turn.State.Step = Step.ConfirmDelete;
    }

    public static List<ReplyChoice> Options(Turn turn) =>
    [
        new(Choices.DeleteYes, turn.T("common.yes")),
        new(Choices.DeleteNo, turn.T("common.no")),
        new(Choices.DataDelete, turn.T("data.delete")),
        new(Choices.BackToMenu, turn.T("common.menu")),
    ];

    public void Handle(Turn turn, string? text)
    {
        switch (ChoiceMatcher.Match(Options(turn), turn.Input.Value, text)?.Value)
        {
            case Choices.DataDelete:
                Ask(turn);
                break;
            case Choices.DeleteYes:
                var language = turn.State.Language;
                Flow.Reset(turn.State, keepLanguage: false);
                turn.Signal(new EraseRequested());
                // Said in the language the person used; the state no longer remembers it.
                turn.State.Language = language;
                turn.Say("data.deleted");
                turn.State.Language = null;
                break;
            case Choices.DeleteNo:
                turn.Say("data.kept");
                MenuStep.Show(turn);
                break;
            case Choices.BackToMenu:
                MenuStep.Show(turn);
                break;
            default:
                Flow.Reprompt(turn);
                break;
        }
    }
}
