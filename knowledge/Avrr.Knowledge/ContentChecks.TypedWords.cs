namespace Avrr.Knowledge;

internal static partial class ContentChecks
{
    /// <summary>
    /// Every word a text tells the person to type ("type “language”", « langue », „Sprache“, "زبان") must work: in a
    /// complete language it must be one of that language's commands or an answer offered as a button there. And every
    /// command must have words in every complete language.
    /// </summary>
    private static void CheckTypedWords(ContentModel model, List<ContentDiagnostic> diagnostics)
    {
        foreach (var language in model.CompleteLanguages.Order(StringComparer.Ordinal))
        {
            var commands = model.CommandWords.GetValueOrDefault(language) ?? [];
            foreach (var command in Enum.GetValues<GlobalCommand>().Where(c => !commands.ContainsValue(c)))
            {
                diagnostics.Add(new ContentDiagnostic("commands.yaml", model.CommandLines.GetValueOrDefault(command, 1), $"command '{command}' has no words in '{language}', a complete language") { Policy = true });
            }

            if (!model.Strings.TryGetValue(language, out var strings))
            {
                continue;
            }

            // Buttons the person can press (answers, menu entries) and the web page's own buttons ("Leave") are named, not typed.
            var answers = strings.Where(s => s.Key.StartsWith("common.", StringComparison.Ordinal) || s.Key.StartsWith("menu.", StringComparison.Ordinal) || s.Key.StartsWith("webchat.", StringComparison.Ordinal))
                .Select(s => TextFolding.Fold(s.Value.Text)).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, entry) in strings.OrderBy(s => s.Value.Line))
            {
                foreach (var typed in TypedWords.In(entry.Text))
                {
                    var folded = TextFolding.Fold(typed);
                    if (!commands.ContainsKey(folded) && !answers.Contains(folded))
                    {
                        diagnostics.Add(new ContentDiagnostic($"strings/{language}.yaml", entry.Line,
                            $"string '{key}' tells the person to type “{typed}”, which no '{language}' command or answer recognises (commands.yaml)")
                        { Policy = true });
                    }
                }
            }
        }
    }
}

/// <summary>What a text tells the person to type: its quoted phrases, in the quoting styles of the content's languages.</summary>
public static partial class TypedWords
{
    /// <summary>The phrases between quotes (“…”, „…“, «…», ‹…›, "…", 「…」, ‘…’), placeholders excepted.</summary>
    public static IEnumerable<string> In(string text) =>
        Quoted().Matches(text).Select(m => m.Groups.Values.Skip(1).First(g => g.Success).Value.Trim()).Where(w => w.Length > 0 && !w.Contains('{', StringComparison.Ordinal));

    [System.Text.RegularExpressions.GeneratedRegex("“([^”“]+)”|„([^“”„]+)[“”]|«([^»«]+)»|‹([^›‹]+)›|\"([^\"]+)\"|「([^」]+)」|‘([^’‘]+)’|”([^”]+)”")]
    private static partial System.Text.RegularExpressions.Regex Quoted();
}
