using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>
/// The files that hold the content to account rather than feed the conversation: the safeguarding corpus
/// (safeguarding/corpus.yaml) and the per-language glossary (glossary.yaml).
/// </summary>
internal sealed partial class ContentReader
{
    private void ReadCorpus(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        foreach (var (languageNode, value) in root.Children)
        {
            var language = ((YamlScalarNode)languageNode).Value ?? "";
            if (value is not YamlMappingNode entry)
            {
                yaml.Error(YamlReader.Line(value), $"'{language}' must have 'disclosures' and 'everyday'");
                continue;
            }

            yaml.OnlyKnownFields(entry, "disclosures", "everyday");
            if (YamlReader.Get(entry, "disclosures") is YamlMappingNode disclosures)
            {
                foreach (var (categoryNode, sentences) in disclosures.Children)
                {
                    var name = ((YamlScalarNode)categoryNode).Value ?? "";
                    if (!Enum.TryParse<SafeguardingCategory>(name, out var category))
                    {
                        yaml.Error(YamlReader.Line(categoryNode), $"unknown safeguarding category '{name}' (expected one of {string.Join(", ", Enum.GetNames<SafeguardingCategory>())})");
                        continue;
                    }

                    foreach (var sentence in yaml.StringList(sentences, "sentences"))
                    {
                        model.SafeguardingCorpus.Add(new CorpusSentence(language, category, sentence, YamlReader.Line(categoryNode)));
                    }
                }
            }

            if (YamlReader.Get(entry, "everyday") is { } everyday)
            {
                foreach (var sentence in yaml.StringList(everyday, "sentences"))
                {
                    model.SafeguardingCorpus.Add(new CorpusSentence(language, null, sentence, YamlReader.Line(everyday)));
                }
            }
        }
    }

    private void ReadGlossary(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        foreach (var (languageNode, value) in root.Children)
        {
            var language = ((YamlScalarNode)languageNode).Value ?? "";
            var terms = model.Glossary.TryGetValue(language, out var found) ? found : model.Glossary[language] = [];
            if (value is not YamlSequenceNode entries)
            {
                yaml.Error(YamlReader.Line(value), $"'{language}' must list terms as {{ use: …, avoid: [...] }}");
                continue;
            }

            foreach (var entry in entries.OfType<YamlMappingNode>())
            {
                yaml.OnlyKnownFields(entry, "use", "avoid");
                var use = yaml.String(entry, "use");
                var avoid = yaml.StringList(YamlReader.Get(entry, "avoid"), "variants to avoid");
                if (use is not null && avoid.Count > 0)
                {
                    terms.Add(new GlossaryTerm(use, avoid, YamlReader.Line(entry)));
                }
            }
        }
    }
}
