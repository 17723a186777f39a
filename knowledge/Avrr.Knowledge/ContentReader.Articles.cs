using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>Articles with their front matter, keyword lists (commands, safeguarding lexicon) and contacts.</summary>
internal sealed partial class ContentReader
{
    private void ReadArticle(YamlReader yaml, string path, string text)
    {
        // articles/<language>/<id>.md with YAML front matter between two '---' lines.
        var parts = path.Split('/');
        if (parts.Length != 3 || !path.EndsWith(".md", StringComparison.Ordinal))
        {
            yaml.Error(1, "articles live at articles/<language>/<id>.md");
            return;
        }

        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!normalized.StartsWith("---\n", StringComparison.Ordinal) || normalized.IndexOf("\n---\n", 4, StringComparison.Ordinal) is var end && end < 0)
        {
            yaml.Error(1, "an article starts with front matter between '---' lines");
            return;
        }

        if (yaml.Root(normalized[4..end]) is not { } front)
        {
            return;
        }

        yaml.OnlyKnownFields(front, "id", "topic", "title", "source", "last_verified", "translated_from", "status", "machine_translation", "examples", "keywords");
        var id = yaml.String(front, "id");
        var topic = yaml.String(front, "topic");
        var title = yaml.String(front, "title");
        var source = Cite(yaml, front, $"article '{path}'", out var sourceIds);
        var verified = yaml.Date(front, "last_verified");
        if (id is null || topic is null || title is null || source is null || verified is null)
        {
            return;
        }

        if (id != Path.GetFileNameWithoutExtension(parts[2]))
        {
            yaml.Error(2, $"article id '{id}' must match its file name");
        }

        if (model.Articles.Any(a => a.Id == id && a.Language == parts[1]))
        {
            yaml.Error(2, $"duplicate article '{id}' in '{parts[1]}'");
            return;
        }

        var status = yaml.String(front, "status", required: false) ?? "reviewed";
        if (status is not ("machine" or "reviewed"))
        {
            yaml.Error(2, "status must be 'machine' or 'reviewed'");
        }

        var machine = yaml.String(front, "machine_translation", required: false) ?? "never";
        if (machine is not ("allowed" or "never"))
        {
            yaml.Error(2, "machine_translation must be 'allowed' or 'never'");
        }

        var examples = OptionalList(yaml, front, "examples");
        var keywords = OptionalList(yaml, front, "keywords");
        model.Articles.Add(new Article(id, parts[1], title, normalized[(end + 5)..].Trim(), topic, source, verified.Value, IsFallback: false)
        {
            MachineTranslationAllowed = machine == "allowed",
            SourceIds = sourceIds,
            Examples = examples,
            Keywords = keywords,
        });
        model.ArticleLinks[(parts[1], id)] = new ArticleLink(yaml.String(front, "translated_from", required: false), status == "machine");
    }

    private static List<string> OptionalList(YamlReader yaml, YamlMappingNode map, string field) =>
        map.Children.TryGetValue(new YamlScalarNode(field), out var node)
            ? yaml.StringList(node, field).Select(s => s.Trim()).Where(s => s.Length > 0).ToList()
            : [];

    private static void ReadKeywords<TKey>(YamlReader yaml, string text, Dictionary<TKey, List<string>> target, Action<TKey, string, string, int>? perLanguage = null)
        where TKey : struct, Enum
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        foreach (var (keyNode, value) in root.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? "";
            if (!Enum.TryParse<TKey>(name, out var key))
            {
                yaml.Error(YamlReader.Line(keyNode), $"unknown entry '{name}' (expected one of {string.Join(", ", Enum.GetNames<TKey>())})");
                continue;
            }

            if (value is not YamlMappingNode languages)
            {
                yaml.Error(YamlReader.Line(value), $"'{name}' must map each language to its keywords");
                continue;
            }

            var words = target.TryGetValue(key, out var existing) ? existing : target[key] = [];
            foreach (var (language, keywords) in languages.Children)
            {
                var folded = yaml.StringList(keywords, "keywords").Select(TextFolding.Fold).Where(k => k.Length > 0).ToList();
                words.AddRange(folded);
                foreach (var word in folded)
                {
                    perLanguage?.Invoke(key, ((YamlScalarNode)language).Value ?? "", word, YamlReader.Line(keyNode));
                }
            }
        }
    }

    private void ReadContacts(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        var country = yaml.String(root, "host_country");
        foreach (var entry in yaml.Sequence(root, "contacts"))
        {
            yaml.OnlyKnownFields(entry, "id", "kind", "name", "phone", "url", "source", "last_verified");
            var id = yaml.String(entry, "id");
            var kindText = yaml.String(entry, "kind");
            var name = yaml.String(entry, "name");
            var phone = yaml.String(entry, "phone", required: false);
            var url = yaml.String(entry, "url", required: false);
            var source = Cite(yaml, entry, $"contact '{id}'");
            if (phone is null && url is null)
            {
                yaml.Error(YamlReader.Line(entry), $"contact '{id}' needs a 'phone' or a 'url' (a service without a line)");
            }

            var verified = yaml.Date(entry, "last_verified");
            if (kindText is not null && !Enum.TryParse<ContactKind>(kindText, out _))
            {
                yaml.Error(YamlReader.Line(entry), $"unknown contact kind '{kindText}'");
                continue;
            }

            if (country is not null && id is not null && kindText is not null && name is not null && (phone ?? url) is not null && source is not null && verified is not null)
            {
                model.Contacts.Add(new Contact(id, country, Enum.Parse<ContactKind>(kindText), name, phone, url, source, verified.Value));
            }
        }
    }
}
