using Avrr.Bot.Audit;
using Avrr.Bot.Knowledge;
using Avrr.Knowledge;

namespace Avrr.Bot.Cli;

/// <summary>
/// Moving content between the store and git: <c>knowledge export &lt;dir&gt; [--version &lt;label&gt;]</c> writes a
/// published version in the <c>knowledge/content</c> layout; <c>knowledge import &lt;dir&gt;</c> turns a folder into a
/// draft to review and publish in /admin.
/// </summary>
internal static class KnowledgeCommands
{
    public static bool Matches(string[] args) => args is ["knowledge", "export" or "import", ..];

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var store = services.GetRequiredService<KnowledgeStore>();
        var published = services.GetRequiredService<PublishedKnowledge>();
        switch (args)
        {
            case ["knowledge", "export", var directory, ..]:
                var label = args.Length == 5 && args[3] == "--version" ? args[4] : published.Current.Version;
                var version = (await store.VersionsAsync(CancellationToken.None)).FirstOrDefault(v => v.Label == label);
                if (version is null)
                {
                    error.WriteLine($"no published version '{label}'");
                    return 1;
                }

                var files = ContentSet.Deserialize((await store.VersionAsync(version.Id, CancellationToken.None)).Files);
                var root = Path.GetFullPath(directory);
                Directory.CreateDirectory(root);
                // Files the version no longer has are removed, so a commit shows deletions too; READMEs stay.
                foreach (var stale in KnowledgeLoader.ReadDirectory(root).Keys.Where(p => !files.ContainsKey(p) && !p.EndsWith("README.md", StringComparison.Ordinal)))
                {
                    File.Delete(Path.Combine(root, stale));
                }

                foreach (var (path, text) in files)
                {
                    var target = Path.Combine(root, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await File.WriteAllTextAsync(target, text);
                }

                await services.GetRequiredService<AuditTrail>().WriteAsync("command line", "version.export", $"version {label}", root, CancellationToken.None);
                output.WriteLine($"Wrote version {label} ({files.Count} files) to {root}.");
                return 0;
            case ["knowledge", "import", var directory]:
                if (!File.Exists(Path.Combine(directory, "content.yaml")))
                {
                    error.WriteLine($"{Path.GetFullPath(directory)}: no content.yaml here");
                    return 2;
                }

                var draft = await store.ImportFilesAsync(KnowledgeLoader.ReadDirectory(directory), "command line", CancellationToken.None);
                var changes = (await store.DraftAsync(draft, CancellationToken.None)).Changes.Count;
                output.WriteLine($"Created draft {draft} with {changes} changed files: review and publish it at /admin/drafts/{draft}.");
                return 0;
            default:
                error.WriteLine("usage: Avrr.Bot knowledge export <dir> [--version <label>] | knowledge import <dir>");
                return 2;
        }
    }
}
