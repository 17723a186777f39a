using Avrr.Bot.Knowledge;
using Avrr.Knowledge;

namespace Avrr.Bot.Cli;

/// <summary>Verbs run instead of the web host: <c>dotnet run --project bot/Avrr.Bot -- knowledge validate [path]</c>.</summary>
internal static class CommandLine
{
    /// <returns>The exit code, or null when the arguments are not a command (start the host).</returns>
    public static int? TryRun(string[] args, TextWriter output, TextWriter error)
    {
        if (args is ["keys", "generate"])
        {
            // A new master key is a random value; it never touches the database.
            output.WriteLine(Privacy.MasterKeySource.NewKey());
            return 0;
        }

        if (args is ["keys", ..] && !PrivacyCommands.Matches(args))
        {
            error.WriteLine(PrivacyCommands.Usage);
            return 2;
        }

        if (KnowledgeCommands.Matches(args))
        {
            // Export and import need the store: they run after the host is built (Program.cs).
            return null;
        }

        if (args is ["knowledge", "link", ..])
        {
            return LinkTranslations(args[2..], output, error);
        }

        if (args is not ["knowledge", "validate", ..])
        {
            return args is ["knowledge", ..] ? Usage(error) : null;
        }

        if (args.Length > 3)
        {
            return Usage(error);
        }

        var path = args.Length == 3 ? Path.GetFullPath(args[2]) : KnowledgeOptions.DefaultContentPath;
        if (!Directory.Exists(path))
        {
            error.WriteLine($"{path}: no such directory");
            return 2;
        }

        var (diagnostics, coverage) = KnowledgeLoader.Validate(KnowledgeLoader.ReadDirectory(path));
        foreach (var diagnostic in diagnostics)
        {
            output.WriteLine(Path.Combine(path, diagnostic.File) + ":" + diagnostic.Line + ": " + (diagnostic.Severity == DiagnosticSeverity.Warning ? "warning: " : "") + diagnostic.Message);
        }

        WriteSafeguardingCoverage(output, coverage);
        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        output.WriteLine(errors == 0 ? $"{path}: valid ({diagnostics.Count} warnings)" : $"{path}: {errors} errors");
        return errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>knowledge link [path] [--relink id,id]</c>: marks article translations as made from the current source
    /// article, refusing (exit 1) any whose paragraphs or numbers no longer match it.
    /// </summary>
    private static int LinkTranslations(string[] args, TextWriter output, TextWriter error)
    {
        var relink = new HashSet<string>(StringComparer.Ordinal);
        string? path = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--relink" && i + 1 < args.Length)
            {
                relink.UnionWith(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            else if (path is null && !args[i].StartsWith("--", StringComparison.Ordinal))
            {
                path = Path.GetFullPath(args[i]);
            }
            else
            {
                return Usage(error);
            }
        }

        path ??= KnowledgeOptions.DefaultContentPath;
        if (!Directory.Exists(path))
        {
            error.WriteLine($"{path}: no such directory");
            return 2;
        }

        var files = KnowledgeLoader.ReadDirectory(path);
        var source = KnowledgeLoader.ManifestSourceLanguage(files);
        var (changed, results) = TranslationLinker.Link(files, source, relink);
        foreach (var (file, text) in changed)
        {
            File.WriteAllText(Path.Combine(path, file), text);
        }

        foreach (var result in results)
        {
            (result.Linked ? output : error).WriteLine($"{(result.Linked ? "linked" : "not linked")} {result.Path}: {result.Detail}");
        }

        return results.Any(r => !r.Linked) ? 1 : 0;
    }

    /// <summary>
    /// Per language, the lexicon phrases / corpus disclosures of each safeguarding category, and the everyday sentences
    /// that must stay quiet: an administrator sees at a glance where a disclosure could go unnoticed.
    /// </summary>
    private static void WriteSafeguardingCoverage(TextWriter output, IReadOnlyList<SafeguardingCoverage> coverage)
    {
        var categories = Enum.GetValues<SafeguardingCategory>();
        output.WriteLine("safeguarding coverage (phrases/disclosures per category; everyday sentences):");
        output.WriteLine("  lang  " + string.Join(" ", categories.Select(c => c.ToString().PadRight(18))) + " everyday");
        foreach (var row in coverage)
        {
            var cells = categories.Select(c => $"{row.Phrases.GetValueOrDefault(c)}/{row.Disclosures.GetValueOrDefault(c)}".PadRight(18));
            output.WriteLine($"  {row.Language,-5} {string.Join(" ", cells)} {row.Everyday}");
        }
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("usage: Avrr.Bot knowledge validate [path] | knowledge link [path] [--relink id,id] | knowledge export <dir> [--version <label>] | knowledge import <dir>");
        return 2;
    }
}
