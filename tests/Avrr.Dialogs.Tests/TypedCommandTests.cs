using System.Text.RegularExpressions;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Tests;

/// <summary>
/// In every complete language, every word the bot's texts tell a person to type does what the text promises: typed
/// at the menu, it runs its command instead of getting the "not understood" answer.
/// </summary>
public sealed partial class TypedCommandTests
{
    public static TheoryData<string> CompleteLanguages() => [.. Transcript.Knowledge.Current.Languages.Select(l => l.Code)];

    [Theory]
    [MemberData(nameof(CompleteLanguages))]
    public void Every_word_a_text_says_to_type_runs_its_command(string language)
    {
        var k = Transcript.Knowledge.Current;
        var keys = StringKey().Matches(File.ReadAllText(Path.Combine(Transcript.ContentPath(), "strings", k.SourceLanguage + ".yaml"))).Select(m => m.Groups[1].Value);
        var typed = keys.SelectMany(key => TypedWords.In(k.Text(key, language).Text)).Distinct(StringComparer.Ordinal).ToList();
        // What is not a command must be a button the person can press instead (an answer, a menu entry, the page's Leave).
        var buttons = keys.Where(key => key.StartsWith("common.", StringComparison.Ordinal) || key.StartsWith("menu.", StringComparison.Ordinal) || key.StartsWith("webchat.", StringComparison.Ordinal))
            .Select(key => TextFolding.Fold(k.Text(key, language).Text)).ToHashSet(StringComparer.Ordinal);
        Assert.All(typed.Where(word => k.MatchCommand(word) is null), word => Assert.Contains(TextFolding.Fold(word), buttons));
        var words = typed.Where(word => k.MatchCommand(word) is not null).ToList();
        Assert.NotEmpty(words);

        foreach (var word in words)
        {
            var t = new Transcript() { Language = language };
            t.Join();
            t.Send(k.FindLanguage(language)!.NativeName);
            t.Send(t.S("consent.yes"));
            Assert.Contains(t.S("menu.prompt"), t.Text, StringComparison.Ordinal);

            t.Send(word);

            var answer = k.MatchCommand(word) switch
            {
                GlobalCommand.Help => "help.text",
                GlobalCommand.Menu => "menu.prompt",
                GlobalCommand.Back => "menu.prompt",
                GlobalCommand.Restart => "restart.done",
                GlobalCommand.Language => "lang.prompt",
                GlobalCommand.Counsellor => "case.until_then",
                GlobalCommand.Stop => "stop.confirm",
                GlobalCommand.DeleteMyData => "data.delete_confirm",
                _ => throw new InvalidOperationException(word),
            };
            Assert.DoesNotContain(t.S("reprompt.choice"), t.Text, StringComparison.Ordinal);
            Assert.True(t.Text.Contains(t.S(answer), StringComparison.Ordinal), $"{language}: typing “{word}” ({k.MatchCommand(word)}) answered: {t.Text}");
        }
    }

    [GeneratedRegex(@"(?m)^  ([a-z0-9_.]+):")]
    private static partial Regex StringKey();
}
