using System.Text;
using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>
/// Edits of single entries in content files, as the admin tools make them. The result stays in the layout people
/// review in git: one string per line, articles as front matter and Markdown.
/// </summary>
public static class ContentFiles
{
    /// <summary>Sets one string (a translation when <paramref name="sourceHash"/> is given) in a <c>strings/&lt;lang&gt;.yaml</c> file (created when absent), keeping the header comments.</summary>
    public static string SetString(string? fileText, string language, string key, string text, string? sourceHash, bool reviewed)
    {
        var header = new List<string>();
        var entries = new List<(string Key, string Line)>();
        if (!string.IsNullOrEmpty(fileText))
        {
            header.AddRange(fileText.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').TakeWhile(l => l.StartsWith('#')));
            if (YamlLimits.Check(fileText) is { } problem)
            {
                throw new FormatException($"line {problem.Line}: {problem.Message}");
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(fileText));
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("strings"), out var node) && node is YamlMappingNode strings)
            {
                foreach (var (k, v) in strings.Children)
                {
                    var name = ((YamlScalarNode)k).Value ?? "";
                    entries.Add((name, v switch
                    {
                        YamlScalarNode plain => Line(name, plain.Value ?? "", null, null),
                        YamlMappingNode map => Line(name, Scalar(map, "text") ?? "", Scalar(map, "source"), Scalar(map, "status")),
                        _ => throw new FormatException($"string '{name}' is neither a text nor a mapping"),
                    }));
                }
            }
        }

        // The source language's own strings are plain text; translations record their source and review state.
        var line = sourceHash is null ? Line(key, text, null, null) : Line(key, text, sourceHash, reviewed ? "reviewed" : "machine");
        var index = entries.FindIndex(e => e.Key == key);
        if (index >= 0)
        {
            entries[index] = (key, line);
        }
        else
        {
            entries.Add((key, line));
        }

        var result = new StringBuilder();
        foreach (var comment in header)
        {
            result.Append(comment).Append('\n');
        }

        result.Append("language: ").Append(language).Append("\nstrings:\n");
        foreach (var (_, entry) in entries)
        {
            result.Append("  ").Append(entry).Append('\n');
        }

        return result.ToString();
    }

    /// <summary>
    /// Writes an article translation: the source's front matter with this language's title, linked to the source. The
    /// example questions and keywords are the language's own: those of the translation being replaced are kept.
    /// </summary>
    public static string ComposeArticleTranslation(Article source, Article? current, string title, string body, bool reviewed) =>
        ComposeArticle(source with { Examples = current?.Examples ?? [], Keywords = current?.Keywords ?? [], MachineTranslationAllowed = false }, title, body,
            KnowledgeLoader.ArticleSourceHash(source.Title, source.BodyMarkdown), reviewed ? "reviewed" : "machine");

    /// <summary>Writes a source-language article, keeping what the form does not edit (examples, keywords, machine translation).</summary>
    public static string ComposeArticle(Article article, string title, string body) => ComposeArticle(article, title, body, null, null);

    private static string ComposeArticle(Article article, string title, string body, string? translatedFrom, string? status)
    {
        var (id, topic, sources, verified) = (article.Id, article.Topic, article.SourceIds, article.LastVerified);
        var result = new StringBuilder("---\n");
        result.Append("id: ").Append(id).Append('\n');
        result.Append("topic: ").Append(topic).Append('\n');
        result.Append("title: ").Append(Quote(title.Trim())).Append('\n');
        result.Append("source: ").Append(sources.Count == 1 ? sources[0] : "[" + string.Join(", ", sources) + "]").Append('\n');
        result.Append("last_verified: ").Append(verified.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        if (article.MachineTranslationAllowed)
        {
            result.Append("machine_translation: allowed\n");
        }

        if (article.Examples.Count > 0)
        {
            result.Append("examples:\n");
            foreach (var example in article.Examples)
            {
                result.Append("  - ").Append(Quote(example)).Append('\n');
            }
        }

        if (article.Keywords.Count > 0)
        {
            result.Append("keywords: [").Append(string.Join(", ", article.Keywords.Select(Quote))).Append("]\n");
        }

        if (translatedFrom is not null)
        {
            result.Append("translated_from: ").Append(translatedFrom).Append('\n');
            result.Append("status: ").Append(status).Append('\n');
        }

        result.Append("---\n").Append(body.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()).Append('\n');
        return result.ToString();
    }

    private static string Line(string key, string text, string? source, string? status) =>
        source is null && status is null
            ? $"{key}: {Quote(text)}"
            : $"{key}: {{ text: {Quote(text)}{(source is null ? "" : ", source: " + source)}{(status is null ? "" : ", status: " + status)} }}";

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? (node as YamlScalarNode)?.Value : null;

    /// <summary>A YAML double-quoted scalar on one line.</summary>
    internal static string Quote(string text)
    {
        var result = new StringBuilder("\"");
        foreach (var c in text)
        {
            result.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return result.Append('"').ToString();
    }
}
