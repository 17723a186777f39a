using Avrr.Bot.Hosting;
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

        var (_, diagnostics) = KnowledgeLoader.Load(KnowledgeLoader.ReadDirectory(path));
        foreach (var diagnostic in diagnostics)
        {
            output.WriteLine(Path.Combine(path, diagnostic.File) + ":" + diagnostic.Line + ": " + (diagnostic.Severity == DiagnosticSeverity.Warning ? "warning: " : "") + diagnostic.Message);
        }

        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        output.WriteLine(errors == 0 ? $"{path}: valid ({diagnostics.Count} warnings)" : $"{path}: {errors} errors");
        return errors == 0 ? 0 : 1;
    }

    private static int Usage(TextWriter error)
    {
        error.WriteLine("usage: Avrr.Bot knowledge validate [path] | knowledge export <dir> [--version <label>] | knowledge import <dir>");
        return 2;
    }
}
