using Avrr.Dialogs.Intake.Steps;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// Navigation between steps: the step table, going to a step, showing the current one again, "back", re-prompts and
/// starting over. Steps move the person on through here, never by calling each other's internals.
/// </summary>
internal static class Flow
{
    public const int MaxRetries = 3;

    private static readonly Dictionary<Step, IStep> Table = new IStep[]
    {
        new LanguageStep(), new ConsentStep(), new NeedConsentStep(), new MenuStep(), new LearnStep(),
        new QuestionStep(), new OutcomeStep(), new ConfirmDeleteStep(),
    }.ToDictionary(s => s.Id);

    public static void Handle(Turn turn, string? text) => Table[turn.State.Step].Handle(turn, text);

    /// <summary>Shows the current step again (after help, a misunderstanding, or going back).</summary>
    public static void RenderCurrent(Turn turn) => Table[turn.State.Step].Render(turn);

    /// <summary>Remembers where the person is, so "back" can return here.</summary>
    public static void Push(Turn turn)
    {
        var back = turn.State.Back;
        back.Add(turn.State.Step == Step.Question ? "question:" + turn.State.Question : turn.State.Step.ToString());
        if (back.Count > 20)
        {
            back.RemoveAt(0);
        }
    }

    /// <summary>
    /// Returns to where the person was before an interruption, without showing it: while a counsellor has the
    /// conversation the bot must not speak out of turn, and a hand-back later resumes from there.
    /// </summary>
    public static void ResumeSilently(Turn turn)
    {
        var back = turn.State.Back;
        var previous = back.Count > 0 ? back[^1] : Step.Menu.ToString();
        if (back.Count > 0)
        {
            back.RemoveAt(back.Count - 1);
        }

        if (previous.StartsWith("question:", StringComparison.Ordinal))
        {
            turn.State.Step = Step.Question;
            turn.State.Question = previous["question:".Length..];
            return;
        }

        turn.State.Step = Enum.TryParse<Step>(previous, out var step) && step is not (Step.Language or Step.ConfirmDelete) ? step : Step.Menu;
    }

    public static void GoBack(Turn turn)
    {
        var back = turn.State.Back;
        if (back.Count == 0)
        {
            MenuStep.Show(turn);
            return;
        }

        var previous = back[^1];
        back.RemoveAt(back.Count - 1);
        if (previous.StartsWith("question:", StringComparison.Ordinal))
        {
            QuestionStep.Return(turn, previous["question:".Length..]);
            return;
        }

        turn.State.Step = Enum.TryParse<Step>(previous, out var step) ? step : Step.Menu;
        RenderCurrent(turn);
    }

    /// <summary>Like <see cref="Reprompt"/>, with a message that says what a valid answer looks like.</summary>
    public static void RepromptWith(Turn turn, string key, params (string Name, string Value)[] args)
    {
        turn.State.Retries++;
        if (turn.State.Retries >= MaxRetries)
        {
            turn.State.Retries = 0;
            turn.Say("reprompt.limit");
            MenuStep.Show(turn);
            return;
        }

        turn.Say(key, args);
        RenderCurrent(turn);
    }

    /// <summary>Not understood: say so and ask again; after three misses, offer the menu (a person is one tap away).</summary>
    public static void Reprompt(Turn turn)
    {
        var state = turn.State;
        state.Retries++;
        if (state.Retries >= MaxRetries && state.Language is not null)
        {
            state.Retries = 0;
            turn.Say("reprompt.limit");
            MenuStep.Show(turn);
            return;
        }

        if (state.Language is null)
        {
            var detected = Greeting.Detect(turn);
            LanguageStep.InLanguage(turn, detected, () => turn.Say("reprompt.choice"));
            LanguageStep.Ask(turn, detected);
            return;
        }

        turn.Say("reprompt.choice");
        RenderCurrent(turn);
    }

    /// <summary>Forgets the conversation; with <paramref name="keepLanguage"/> the language and consent stay.</summary>
    public static void Reset(IntakeState state, bool keepLanguage)
    {
        var language = keepLanguage ? state.Language : null;
        var consent = keepLanguage ? state.Consent : null;
        state.Answers.Clear();
        state.Words.Clear();
        state.Back.Clear();
        state.Flags.Clear();
        state.FlagNotes.Clear();
        state.Programme = null;
        state.Question = null;
        state.HandoffRequested = false;
        state.Retries = 0;
        state.FallbackNoted = false;
        state.Language = language;
        state.Consent = consent;
        state.Step = Step.Language;
        state.ContentVersion = null;
        state.Greeted = keepLanguage && language is not null;
    }
}
