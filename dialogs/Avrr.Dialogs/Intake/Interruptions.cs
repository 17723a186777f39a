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
            Safeguard(turn, disclosure, text);
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
    /// matters even if a counsellor was asked before: the host raises the open case's urgency). The person never has
    /// to explain or prove anything, and stays where they were.
    /// </summary>
    public static void Safeguard(Turn turn, SafeguardingCategory category, string? message)
    {
        var state = turn.State;
        var country = state.Programme is { } programme ? turn.Knowledge.FindProgramme(programme)?.HostCountry : null;
        var contacts = country is null ? [] : turn.Knowledge.Contacts(country);
        var emergency = contacts.FirstOrDefault(c => c.Kind == ContactKind.Emergency)?.Reach ?? turn.T("safeguarding.generic_emergency");
        // The lines for what was disclosed, not every line the country has: a short message is read on a small screen,
        // and in a medical emergency the emergency number is the one line that matters.
        var others = contacts.Where(c => RelevantContacts(category).Contains(c.Kind)).Select(c => $"{turn.T(c.NameKey)}: {c.Reach}").ToList();
        turn.Say("safeguarding.message", ("emergency", emergency), ("contacts", others.Count == 0 ? "" : string.Join("\n", others) + "\n"));
        var name = category.ToString();
        if (!state.Flags.Contains(name))
        {
            state.Flags.Add(name);
        }

        // The words that raised it are personal data: kept for the counsellor only when messages may be kept.
        state.FlagNotes[name] = new FlagNote(state.ConsentGiven && message is { Length: > 0 } ? Trim(message) : null, turn.Input.Now);
        var reason = "safeguarding: " + name;
        turn.Signal(new HandoffRequested(HandoffUrgency.Urgent, reason, Handoff.Summary(turn, HandoffUrgency.Urgent, reason)));
        state.HandoffRequested = true;
    }

    private static ContactKind[] RelevantContacts(SafeguardingCategory category) => category switch
    {
        SafeguardingCategory.Trafficking => [ContactKind.AntiTrafficking],
        SafeguardingCategory.UnaccompaniedMinor => [ContactKind.ChildProtection],
        SafeguardingCategory.Violence => [ContactKind.GenderBasedViolence, ContactKind.Protection],
        SafeguardingCategory.SelfHarm => [ContactKind.MentalHealth],
        SafeguardingCategory.MedicalEmergency => [ContactKind.Medical],
        SafeguardingCategory.FearOfReturn => [ContactKind.Counselling, ContactKind.Protection],
        _ => [],
    };

    /// <summary>
    /// The person waits for a counsellor or talks to one. Only the owner speaks, so the bot answers only what must work
    /// in every state: safeguarding, stop, delete my data (and its confirmation), language (and its choice), and a
    /// reminder of the reference to someone still waiting who asks again. Everything else is for the counsellor.
    /// </summary>
    public static void InCase(Turn turn, string? text)
    {
        var state = turn.State;
        if (state.OptedOut)
        {
            // They said stop and wrote again: still in the queue, and told so; a counsellor who has them answers themselves.
            state.OptedOut = false;
            if (turn.Input.Case == CaseStatus.Waiting)
            {
                turn.Say("stop.welcome_back");
                turn.Say("case.already", ("reference", turn.Input.CaseReference ?? ""));
                return;
            }
        }

        if (turn.Input.Value is null && turn.Knowledge.DetectSafeguarding(text ?? "") is { } disclosure)
        {
            Safeguard(turn, disclosure, text);
            return;
        }

        if (state.Step == Step.ConfirmDelete)
        {
            switch (ChoiceMatcher.Match(ConfirmDeleteStep.Options(turn), turn.Input.Value, text)?.Value)
            {
                case Choices.DeleteYes:
                    Flow.Handle(turn, text);
                    return;
                case Choices.DeleteNo:
                    turn.Say("data.kept");
                    Flow.ResumeSilently(turn);
                    return;
                case Choices.DataDelete:
                    ConfirmDeleteStep.Ask(turn);
                    return;
                case Choices.BackToMenu:
                    Flow.ResumeSilently(turn);
                    return;
            }
        }

        // Only the button or its exact words: a number typed for the counsellor ("4 children") is not a menu choice here.
        var myData = turn.Input.Value == Choices.MenuMyData
            || turn.Input.Value is null && text is not null && TextFolding.Fold(text) == TextFolding.Fold(turn.T("menu.mydata"));
        if (state.Step != Step.ConfirmDelete && myData)
        {
            // What is kept about them is the person's right to know in every state, like deleting it.
            if (state.Step != Step.Language)
            {
                Flow.Push(turn);
            }

            ConfirmDeleteStep.ShowMyData(turn);
            return;
        }

        if (state.Step == Step.Language && LanguageStep.Match(turn, text) is { } language)
        {
            state.Language = language;
            turn.Say("lang.changed");
            Flow.ResumeSilently(turn);
            return;
        }

        var command = turn.Input.Value is null ? turn.Knowledge.MatchCommand(text ?? "") : null;
        if (state.Step is Step.ConfirmDelete or Step.Language && command is not (GlobalCommand.DeleteMyData or GlobalCommand.Language))
        {
            // The question was left unanswered: the message is for the counsellor, and the person is where they were.
            Flow.ResumeSilently(turn);
        }

        switch (command)
        {
            case GlobalCommand.Stop:
                Run(turn, GlobalCommand.Stop);
                break;
            case GlobalCommand.DeleteMyData:
                if (state.Step != Step.ConfirmDelete)
                {
                    Flow.Push(turn);
                }

                ConfirmDeleteStep.Ask(turn);
                break;
            case GlobalCommand.Language:
                if (state.Step != Step.Language)
                {
                    Flow.Push(turn);
                }

                LanguageStep.Ask(turn, null);
                break;
            case GlobalCommand.Counsellor when turn.Input.Case == CaseStatus.Waiting:
                turn.Say("case.already", ("reference", turn.Input.CaseReference ?? ""));
                break;
        }
    }

    private static string Trim(string text) => text.Length > 1000 ? text[..1000] : text;
}
