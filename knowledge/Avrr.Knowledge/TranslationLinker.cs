using System.Text.RegularExpressions;

namespace Avrr.Knowledge;

/// <summary>What linking did to one article translation: linked to the current source, or refused and why.</summary>
public sealed record LinkResult(string Path, bool Linked, string Detail);

/// <summary>
/// Marks article translations as made from the current source article (<c>translated_from</c>, <c>status:
/// machine</c>), after comparing them with it: the same number of paragraphs and list items, and the same numbers. A
/// translation that differs is never marked current, so a dropped clause list or a changed amount cannot hide behind
/// a fresh link. It links translations that have no link yet, and those named in <c>relink</c> (brought up to date
/// with a changed source by a translator).
/// </summary>
public static partial class TranslationLinker
{
    public static (IReadOnlyDictionary<string, string> Changed, IReadOnlyList<LinkResult> Results) Link(
        IReadOnlyDictionary<string, string> files, string sourceLanguage, IReadOnlySet<string> relink)
    {
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = new List<LinkResult>();
        foreach (var (path, text) in files.Where(f => f.Key.StartsWith("articles/", StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var parts = path.Split('/');
            if (parts.Length != 3 || parts[1] == sourceLanguage || Split(text) is not { } translation)
            {
                continue;
            }

            var id = Path.GetFileNameWithoutExtension(parts[2]);
            if ((translation.Front.Contains("\ntranslated_from:", StringComparison.Ordinal) && !relink.Contains(id))
                || !files.TryGetValue($"articles/{sourceLanguage}/{parts[2]}", out var sourceText) || Split(sourceText) is not { } source)
            {
                continue;
            }

            var problems = Differences(source.Body, translation.Body);
            if (problems.Count > 0)
            {
                results.Add(new LinkResult(path, false, string.Join("; ", problems)));
                continue;
            }

            var hash = KnowledgeLoader.ArticleSourceHash(TitleOf(source.Front), source.Body);
            var front = LinkLines().Replace(translation.Front, "") + $"\ntranslated_from: {hash}\nstatus: machine";
            changed[path] = front + "\n---\n" + translation.Body + "\n";
            results.Add(new LinkResult(path, true, hash));
        }

        return (changed, results);
    }

    /// <summary>Why a translation does not match its source: paragraph and list-item count, and the numbers it states.</summary>
    public static IReadOnlyList<string> Differences(string source, string translation)
    {
        var problems = new List<string>();
        var (expectedBlocks, foundBlocks) = (Blocks(source), Blocks(translation));
        if (expectedBlocks != foundBlocks)
        {
            problems.Add($"{foundBlocks} paragraphs and list items where the source has {expectedBlocks}");
        }

        var (expected, found) = (ContentChecks.Numbers(source), ContentChecks.Numbers(translation));
        if (!expected.SequenceEqual(found))
        {
            problems.Add($"numbers [{string.Join(", ", found)}] where the source has [{string.Join(", ", expected)}]");
        }

        return problems;
    }

    private static int Blocks(string body) => BlockBreak().Split(body.Replace("\r\n", "\n", StringComparison.Ordinal)).Count(b => b.Trim().Length > 0);

    private static (string Front, string Body)? Split(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var end = normalized.StartsWith("---\n", StringComparison.Ordinal) ? normalized.IndexOf("\n---\n", 4, StringComparison.Ordinal) : -1;
        return end < 0 ? null : (normalized[..end], normalized[(end + 5)..].Trim());
    }

    [GeneratedRegex(@"\n\s*\n|\n(?=\s*(?:\d+[.)]|[-*])\s)")]
    private static partial Regex BlockBreak();

    [GeneratedRegex(@"\n(?:translated_from|status): [^\n]*")]
    private static partial Regex LinkLines();

    private static string TitleOf(string front)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(front[4..]));
        return stream.Documents[0].RootNode is YamlDotNet.RepresentationModel.YamlMappingNode map
            && map.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("title"), out var title)
            ? ((YamlDotNet.RepresentationModel.YamlScalarNode)title).Value ?? "" : "";
    }
}
