using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake.Steps;

/// <summary>Which language: every offered language named in itself, the one we guessed first.</summary>
internal sealed class LanguageStep : IStep
{
    public Step Id => Step.Language;

    public void Render(Turn turn) => Ask(turn, null);

    public static void Ask(Turn turn, string? detected)
    {
        var languages = turn.Knowledge.Languages.OrderBy(l => l.Code == detected ? 0 : 1).ToList();
        InLanguage(turn, detected, () => turn.Say("lang.prompt"));
        turn.Offer(languages.Select(l => new ReplyChoice(Choices.LanguagePrefix + l.Code, l.NativeName)));
        turn.State.Step = Step.Language;
        turn.State.Greeted = true;
    }

    /// <summary>Before a language is chosen, speaks the one we guessed; the person confirms by choosing.</summary>
    public static void InLanguage(Turn turn, string? detected, Action say)
    {
        if (turn.State.Language is not null || detected is null)
        {
            say();
            return;
        }

        turn.State.Language = detected;
        say();
        turn.State.Language = null;
    }

    /// <summary>The language a button or a typed name ("Deutsch", "فارسی", "fr") stands for.</summary>
    public static string? Match(Turn turn, string? text)
    {
        var choices = turn.Knowledge.Languages.Select(l => new ReplyChoice(Choices.LanguagePrefix + l.Code, l.NativeName)).ToList();
        return ChoiceMatcher.Match(choices, turn.Input.Value, text)?.Value[Choices.LanguagePrefix.Length..]
            ?? turn.Knowledge.FindLanguage(TextFolding.Fold(text))?.Code;
    }

    public void Handle(Turn turn, string? text)
    {
        var chosen = Match(turn, text);
        if (chosen is null)
        {
            Flow.Reprompt(turn);
            return;
        }

        var first = turn.State.Language is null;
        turn.State.Language = chosen;
        turn.State.Retries = 0;
        turn.Say("lang.changed");
        if (first || turn.State.Consent is null || !ConsentStep.IsCurrent(turn))
        {
            ConsentStep.Ask(turn);
        }
        else
        {
            // Switched mid-way: carry on where the person was, now in the new language.
            Flow.GoBack(turn);
        }
    }
}
