using Avrr.Dialogs.Intake.Steps;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// What interrupts any step, handled in one place before it: safeguarding disclosures, then the global commands
/// (help, menu, back, restart, language, counsellor, stop, delete my data) in every language.
/// </summary>
internal static class Interruptions
{
    /// <returns>True when the message was a disclosure or a command and has been answered.</returns>
    public static bool Handled(Turn turn, string? text)
    {
        if (turn.Input.Value is not null)
        {
            return false;
        }

        if (turn.Knowledge.DetectSafeguarding(text ?? "") is { } disclosure)
        {
            Safeguard(turn, disclosure);
            return true;
        }

        if (turn.Knowledge.MatchCommand(text ?? "") is { } command)
        {
            Run(turn, command);
            return true;
        }

        return false;
    }

    public static void Run(Turn turn, GlobalCommand command)
    {
        var state = turn.State;
        state.Retries = 0;
        switch (command)
        {
            case GlobalCommand.Help:
                turn.Say("help.text");
                Flow.RenderCurrent(turn);
                break;
            case GlobalCommand.Menu:
                if (state.Language is null)
                {
                    LanguageStep.Ask(turn, Greeting.Detect(turn));
                }
                else
                {
                    MenuStep.Show(turn);
                }

                break;
            case GlobalCommand.Back:
                Flow.GoBack(turn);
                break;
            case GlobalCommand.Restart:
                Flow.Reset(state, keepLanguage: true);
                turn.Say("restart.done");
                if (state.Language is null)
                {
                    LanguageStep.Ask(turn, Greeting.Detect(turn));
                }
                else
                {
                    ConsentStep.Ask(turn);
                }

                break;
            case GlobalCommand.Language:
                Flow.Push(turn);
                LanguageStep.Ask(turn, null);
                break;
            case GlobalCommand.Counsellor:
                Handoff.Request(turn, HandoffUrgency.Normal, "asked for a counsellor");
                break;
            case GlobalCommand.Stop:
                turn.Say("stop.confirm");
                state.OptedOut = true;
                turn.Signal(new OptedOut());
                break;
            case GlobalCommand.DeleteMyData:
                ConfirmDeleteStep.Ask(turn);
                break;
        }
    }

    /// <summary>
    /// A disclosure: emergency and protection contacts at once, and an urgent hand-off every time (a new disclosure
    /// matters even if a counsellor was asked before). The person never has to explain or prove anything.
    /// </summary>
    public static void Safeguard(Turn turn, SafeguardingCategory category)
    {
        var state = turn.State;
        var country = state.Programme is { } programme ? turn.Knowledge.FindProgramme(programme)?.HostCountry : null;
        var contacts = country is null ? [] : turn.Knowledge.Contacts(country);
        var emergency = contacts.FirstOrDefault(c => c.Kind == ContactKind.Emergency)?.Phone ?? turn.T("safeguarding.generic_emergency");
        var others = contacts.Where(c => c.Kind != ContactKind.Emergency).Select(c => $"{turn.T(c.NameKey)}: {c.Phone}").ToList();
        turn.Say("safeguarding.message", ("emergency", emergency), ("contacts", others.Count == 0 ? "" : string.Join("\n", others) + "\n"));
        if (!state.Flags.Contains(category.ToString()))
        {
            state.Flags.Add(category.ToString());
        }

        turn.Signal(new HandoffRequested(HandoffUrgency.Urgent, "safeguarding: " + category, Handoff.Summary(turn, HandoffUrgency.Urgent, "safeguarding: " + category)));
        state.HandoffRequested = true;
        turn.Offer(MenuStep.Options(turn));
        state.Step = Step.Menu;
        state.Question = null;
    }

    /// <summary>
    /// A counsellor owns the conversation: only the owner speaks, so the bot answers only what must work in every
    /// state (safeguarding, stop, delete my data and its confirmation) and leaves the rest to the counsellor.
    /// </summary>
    public static void WithCounsellor(Turn turn)
    {
        var text = turn.Input.Text;
        if (turn.Input.Value is null && turn.Knowledge.DetectSafeguarding(text ?? "") is { } disclosure)
        {
            Safeguard(turn, disclosure);
            return;
        }

        if (turn.State.Step == Step.ConfirmDelete && ChoiceMatcher.Match(ConfirmDeleteStep.Options(turn), turn.Input.Value, text) is { Value: Choices.DeleteYes or Choices.DeleteNo })
        {
            Flow.Handle(turn, text);
            return;
        }

        switch (turn.Input.Value is null ? turn.Knowledge.MatchCommand(text ?? "") : null)
        {
            case GlobalCommand.Stop:
                Run(turn, GlobalCommand.Stop);
                break;
            case GlobalCommand.DeleteMyData:
                ConfirmDeleteStep.Ask(turn);
                break;
        }
    }
}
