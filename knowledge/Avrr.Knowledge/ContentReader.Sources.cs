using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>
/// sources.yaml: the documents and public pages the content relies on. Rules, facts, contacts and articles cite them
/// by id, and the person and the auditor see the title (and the address, where there is one), never a file name.
/// </summary>
internal sealed partial class ContentReader
{
    private void ReadSources(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        yaml.OnlyKnownFields(root, "sources");
        foreach (var entry in yaml.Sequence(root, "sources"))
        {
            yaml.OnlyKnownFields(entry, "id", "title", "url");
            var id = yaml.String(entry, "id");
            var title = yaml.String(entry, "title");
            var url = yaml.String(entry, "url", required: false);
            if (id is null || title is null)
            {
                continue;
            }

            var line = YamlReader.Line(entry);
            if (LooksLikeLocalPath(title))
            {
                yaml.PolicyError(line, $"source '{id}': the title must say what the document is (\"IOM Cyprus — AVRR programme\"), not name a file");
            }

            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http") || address.IsLoopback))
            {
                yaml.PolicyError(line, $"source '{id}': url must be a public web address (https://…), not '{url}'");
                url = null;
            }

            if (!model.Sources.TryAdd(id, new ContentSource(id, title, url)))
            {
                yaml.Error(line, $"duplicate source id '{id}'");
            }
        }
    }

    /// <summary>
    /// The readable citation for a rule, fact, contact or article: its <c>source</c> is one id of sources.yaml or a
    /// list of them. Anything else is refused (a local path most of all: a person cannot follow it).
    /// </summary>
    private string? Cite(YamlReader yaml, YamlMappingNode node, string what) => Cite(yaml, node, what, out _);

    private string? Cite(YamlReader yaml, YamlMappingNode node, string what, out IReadOnlyList<string> ids)
    {
        ids = [];
        var value = YamlReader.Get(node, "source");
        var line = YamlReader.Line(node);
        if (value is null)
        {
            yaml.PolicyError(line, $"{what} needs a 'source': the id of an entry in sources.yaml");
            return null;
        }

        ids = value is YamlScalarNode { Value: { } single } ? [single] : yaml.StringList(value, "source ids");
        var citations = new List<string>();
        foreach (var id in ids)
        {
            if (model.Sources.TryGetValue(id, out var source))
            {
                citations.Add(source.Citation);
            }
            else
            {
                yaml.PolicyError(line, LooksLikeLocalPath(id)
                    ? $"{what}: source '{id}' is a local file path; cite an entry of sources.yaml (a title and a public address) instead"
                    : $"{what}: source '{id}' is not an id in sources.yaml");
                citations.Add(id);
            }
        }

        return citations.Count == 0 ? null : string.Join("; ", citations);
    }

    internal static bool LooksLikeLocalPath(string text) => LocalPath().IsMatch(text.Trim());

    [GeneratedRegex(@"^(\.{0,2}/|~/|[A-Za-z]:\\|file:)|\\|(^|/)(seeds|shared|reference|knowledge)/|\.(txt|md|ya?ml|json|cs)$", RegexOptions.IgnoreCase)]
    private static partial Regex LocalPath();
}
