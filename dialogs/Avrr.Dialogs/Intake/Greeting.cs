using Avrr.Dialogs.Intake.Steps;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// The start of a conversation: a deep link that names the country and language, the first "hello" in any language,
/// and the language the person probably speaks (from the script they write in and their device).
/// </summary>
internal static class Greeting
{
    /// <returns>True when this turn was the greeting (nothing else is done with the message).</returns>
    public static bool Handled(Turn turn, string? text)
    {
        var state = turn.State;
        var input = turn.Input;
        if (!state.Greeted && input.StartParameter is { Length: > 0 } start && ApplyStart(turn, start))
        {
            // Came by a link that names the language: confirm it and go straight to consent ("language" changes it).
            state.Greeted = true;
            turn.Say("lang.changed");
            ConsentStep.Ask(turn);
            return true;
        }

        if (string.IsNullOrWhiteSpace(text) && input.Value is null)
        {
            // A client joining (or an empty message) greets only a new conversation.
            if (!state.Greeted)
            {
                LanguageStep.Ask(turn, Detect(turn));
            }

            return true;
        }

        if (!state.Greeted && input.Value is null && LanguageStep.Match(turn, text) is null
            && turn.Knowledge.DetectSafeguarding(text ?? "") is null && turn.Knowledge.MatchCommand(text ?? "") is null)
        {
            // The first message ("hello", in any language) is answered with the greeting, in the language it suggests.
            LanguageStep.Ask(turn, Detect(turn));
            return true;
        }

        if (state.OptedOut)
        {
            state.OptedOut = false;
            turn.Say("stop.welcome_back");
            if (state.Language is null)
            {
                LanguageStep.Ask(turn, Detect(turn));
            }
            else
            {
                MenuStep.Show(turn);
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// A deep-link parameter <c>&lt;COUNTRY&gt;_&lt;language&gt;</c> (e.g. <c>BE_ar</c>), or just one of them: the host
    /// country skips that question in the check; the language skips the language question.
    /// </summary>
    private static bool ApplyStart(Turn turn, string start)
    {
        var tokens = start.Split(['_', '-', '.'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        HostCountry? Country(string token) => turn.Knowledge.HostCountries.FirstOrDefault(c => c.Code.Equals(token, StringComparison.OrdinalIgnoreCase));
        var country = tokens.Length > 0 ? Country(tokens[0]) : null;
        var languageToken = tokens.Length > 1 ? tokens[1] : country is null && tokens.Length == 1 ? tokens[0] : null;
        if (country is not null)
        {
            turn.State.StartProgramme = country.ProgrammeId;
        }

        if (languageToken is not null && turn.Knowledge.FindLanguage(languageToken.ToLowerInvariant()) is { } language)
        {
            turn.State.Language = language.Code;
            return true;
        }

        return false;
    }

    /// <summary>A likely language from the channel locale or the script of the first text.</summary>
    public static string? Detect(Turn turn)
    {
        var text = turn.Input.Text ?? "";
        if (text.Any(c => c is 'پ' or 'چ' or 'ژ' or 'گ' or 'ی' or 'ک'))
        {
            return turn.Knowledge.FindLanguage("fa")?.Code;
        }

        var locale = turn.Knowledge.FindLanguage(turn.Input.ChannelLocale ?? "");
        if (text.Any(c => c is >= '\u0600' and <= '\u06FF'))
        {
            // Arabic script is shared: a Farsi, Pashto or Urdu device locale wins over plain Arabic.
            return locale is { RightToLeft: true } ? locale.Code : turn.Knowledge.FindLanguage("ar")?.Code;
        }

        return locale?.Code;
    }
}
