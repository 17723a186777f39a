using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>
/// Loads a content set in the <c>knowledge/content</c> layout (from disk, or from an in-memory set of files) into an
/// immutable snapshot, with every problem found on the way.
/// </summary>
public static class KnowledgeLoader
{
    /// <summary>The first 8 hex digits of SHA-256 over a source text: what a translation records it was made from.</summary>
    public static string SourceHash(string sourceText) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceText)))[..8];

    public static IReadOnlyDictionary<string, string> ReadDirectory(string path)
    {
        var root = Path.GetFullPath(path);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".md", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
    }

    /// <summary>What an article translation records it was made from: the hash of the source article's title and body.</summary>
    public static string ArticleSourceHash(string title, string body) => SourceHash(title.Trim() + "\n\n" + body.Trim());

    /// <summary>Loads and validates; the snapshot is null when there are errors.</summary>
    /// <param name="versionLabel">
    /// The snapshot's version when it is not the manifest's <c>version</c>: a store that publishes several revisions
    /// of one manifest version names each one, so that conversations can keep theirs.
    /// </param>
    /// <param name="acceptPolicyErrors">
    /// Serve the content despite errors of editorial policy (<see cref="ContentDiagnostic.Policy"/>): for versions that
    /// were already published, and for finding one's way in a draft; never for publishing.
    /// </param>
    public static (IKnowledgeSnapshot? Snapshot, IReadOnlyList<ContentDiagnostic> Diagnostics) Load(IReadOnlyDictionary<string, string> files, string? versionLabel = null, bool acceptPolicyErrors = false)
    {
        var (model, diagnostics) = Parse(files);
        if (versionLabel is not null)
        {
            model.Version = versionLabel;
        }

        var snapshot = diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && !(acceptPolicyErrors && d.Policy)) ? null : new KnowledgeSnapshot(model);
        return (snapshot, diagnostics);
    }

    /// <summary>
    /// Loads a version that passed every check when it was published (a restart, another instance picking it up):
    /// parsed and structurally checked again, without the editorial checks it would be served despite anyway.
    /// </summary>
    public static (IKnowledgeSnapshot? Snapshot, IReadOnlyList<ContentDiagnostic> Diagnostics) LoadPublished(IReadOnlyDictionary<string, string> files, string versionLabel)
    {
        var (model, diagnostics) = Parse(files, editorial: false);
        model.Version = versionLabel;
        var snapshot = diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && !d.Policy) ? null : new KnowledgeSnapshot(model);
        return (snapshot, diagnostics);
    }

    /// <summary>The manifest's <c>version</c> of a content set, or null when it has none.</summary>
    public static string? ManifestVersion(IReadOnlyDictionary<string, string> files) =>
        Manifest(files).Version is { Length: > 0 } version ? version : null;

    /// <summary>The manifest's source language (<c>en</c> when it names none).</summary>
    public static string ManifestSourceLanguage(IReadOnlyDictionary<string, string> files) => Manifest(files).SourceLanguage;

    /// <summary>Only content.yaml read: the other files are not needed for what the manifest says.</summary>
    private static ContentModel Manifest(IReadOnlyDictionary<string, string> files) =>
        Parse(files.TryGetValue("content.yaml", out var manifest) ? new Dictionary<string, string> { ["content.yaml"] = manifest } : files).Model;

    /// <summary>What <c>knowledge validate</c> reports, from one parse: the diagnostics and the safeguarding coverage per declared language.</summary>
    public static (IReadOnlyList<ContentDiagnostic> Diagnostics, IReadOnlyList<SafeguardingCoverage> Coverage) Validate(IReadOnlyDictionary<string, string> files)
    {
        var (model, diagnostics) = Parse(files);
        return (diagnostics, model.Languages.Select(l => ContentChecks.Coverage(model, l.Code)).ToList());
    }

    /// <summary>Every translatable entry in every declared language, with its translation state, for reviewers.</summary>
    public static ContentReview Review(IReadOnlyDictionary<string, string> files) => ContentReview.From(Parse(files).Model);

    private static (ContentModel Model, List<ContentDiagnostic> Diagnostics) Parse(IReadOnlyDictionary<string, string> files, bool editorial = true)
    {
        var diagnostics = new List<ContentDiagnostic>();
        var model = new ContentModel();
        new ContentReader(model, diagnostics).Read(files);
        ContentChecks.Run(model, files, diagnostics, editorial);
        return (model, diagnostics);
    }

    /// <summary>Loads a directory and throws with every error when it is not valid.</summary>
    public static IKnowledgeSnapshot LoadDirectory(string path)
    {
        var (snapshot, diagnostics) = Load(ReadDirectory(path));
        return snapshot ?? throw new InvalidContentException(diagnostics);
    }
}

/// <summary>Parses each file kind into the content model.</summary>
internal sealed partial class ContentReader(ContentModel model, List<ContentDiagnostic> diagnostics)
{
    public void Read(IReadOnlyDictionary<string, string> files)
    {
        if (!files.TryGetValue("content.yaml", out var manifest))
        {
            diagnostics.Add(new ContentDiagnostic("content.yaml", 1, "missing: every content set starts with content.yaml"));
            return;
        }

        ReadManifest(new YamlReader("content.yaml", diagnostics), manifest);
        if (files.TryGetValue("sources.yaml", out var sources))
        {
            ReadSources(new YamlReader("sources.yaml", diagnostics), sources);
        }

        foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var yaml = new YamlReader(path, diagnostics);
            if (path.StartsWith("strings/", StringComparison.Ordinal))
            {
                ReadStrings(yaml, text);
            }
            else if (path == "questions.yaml")
            {
                ReadQuestions(yaml, text);
            }
            else if (path.StartsWith("programmes/", StringComparison.Ordinal))
            {
                ReadProgramme(yaml, text);
            }
            else if (path.StartsWith("articles/", StringComparison.Ordinal))
            {
                ReadArticle(yaml, path, text);
            }
            else if (path == "safeguarding/lexicon.yaml")
            {
                ReadKeywords(yaml, text, model.Lexicon, (category, language, _, _) =>
                {
                    var counts = model.LexiconCoverage.TryGetValue(language, out var found) ? found : model.LexiconCoverage[language] = [];
                    counts[category] = counts.GetValueOrDefault(category) + 1;
                });
            }
            else if (path == "safeguarding/corpus.yaml")
            {
                ReadCorpus(yaml, text);
            }
            else if (path == "glossary.yaml")
            {
                ReadGlossary(yaml, text);
            }
            else if (path == "commands.yaml")
            {
                ReadKeywords(yaml, text, model.Commands, (command, language, word, line) =>
                {
                    (model.CommandWords.TryGetValue(language, out var words) ? words : model.CommandWords[language] = new(StringComparer.Ordinal))[word] = command;
                    model.CommandLines[command] = line;
                });
            }
            else if (path.StartsWith("contacts/", StringComparison.Ordinal))
            {
                ReadContacts(yaml, text);
            }
            else if (path is not ("content.yaml" or "sources.yaml") && !path.EndsWith("README.md", StringComparison.Ordinal))
            {
                yaml.Warning(1, "file is not part of the content layout and is ignored");
            }
        }
    }

    private void ReadManifest(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        yaml.OnlyKnownFields(root, "version", "source_language", "default_language", "languages", "core_articles", "learn_menu", "service");
        model.Version = yaml.String(root, "version") ?? "";
        model.SourceLanguage = yaml.String(root, "source_language") ?? "en";
        model.DefaultLanguage = yaml.String(root, "default_language") ?? model.SourceLanguage;
        if (YamlReader.Get(root, "core_articles") is { } core)
        {
            model.CoreArticles.AddRange(yaml.StringList(core, "article ids"));
        }

        if (YamlReader.Get(root, "learn_menu") is { } menu)
        {
            model.LearnMenu.AddRange(yaml.StringList(menu, "article ids"));
        }

        if (YamlReader.Get(root, "service") is { } service)
        {
            ReadService(yaml, service);
        }

        foreach (var entry in yaml.Sequence(root, "languages"))
        {
            yaml.OnlyKnownFields(entry, "code", "name", "rtl", "complete", "fallback", "aliases");
            var code = yaml.String(entry, "code");
            var name = yaml.String(entry, "name");
            if (code is null || name is null)
            {
                continue;
            }

            if (model.Languages.Any(l => l.Code == code))
            {
                yaml.Error(YamlReader.Line(entry), $"duplicate language '{code}'");
                continue;
            }

            model.Languages.Add(new LanguageInfo(code, name, Flag(yaml, entry, "rtl"))
            {
                Fallback = yaml.String(entry, "fallback", required: false),
                Aliases = YamlReader.Get(entry, "aliases") is { } aliases ? yaml.StringList(aliases, "aliases").Select(a => a.Trim().Replace('_', '-').ToLowerInvariant()).ToList() : [],
            });
            if (Flag(yaml, entry, "complete"))
            {
                model.CompleteLanguages.Add(code);
            }
        }
    }

    private static bool Flag(YamlReader yaml, YamlMappingNode map, string key)
    {
        var value = yaml.String(map, key, required: false);
        if (value is null or "false")
        {
            return false;
        }

        if (value != "true")
        {
            yaml.Error(YamlReader.Line(YamlReader.Get(map, key)!), $"field '{key}' must be true or false");
        }

        return value == "true";
    }

    private void ReadStrings(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        yaml.OnlyKnownFields(root, "language", "strings");
        var language = yaml.String(root, "language");
        if (language is null)
        {
            return;
        }

        if (!model.Strings.TryGetValue(language, out var table))
        {
            model.Strings[language] = table = new Dictionary<string, TranslatedString>(StringComparer.Ordinal);
        }

        if (YamlReader.Get(root, "strings") is not YamlMappingNode strings)
        {
            yaml.Error(YamlReader.Line(root), "field 'strings' must be a mapping of key to text");
            return;
        }

        foreach (var (keyNode, valueNode) in strings.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var line = YamlReader.Line(keyNode);
            if (table.ContainsKey(key))
            {
                yaml.Error(line, $"duplicate string '{key}'");
                continue;
            }

            switch (valueNode)
            {
                case YamlScalarNode { Value: { } plain }:
                    table[key] = new TranslatedString(plain, null, false, line);
                    break;
                case YamlMappingNode translation:
                    yaml.OnlyKnownFields(translation, "text", "source", "status");
                    var status = yaml.String(translation, "status", required: false) ?? "reviewed";
                    if (status is not ("machine" or "reviewed"))
                    {
                        yaml.Error(line, $"string '{key}': status must be 'machine' or 'reviewed'");
                    }

                    table[key] = new TranslatedString(yaml.String(translation, "text") ?? "", yaml.String(translation, "source"), status == "machine", line);
                    break;
                default:
                    yaml.Error(line, $"string '{key}' must be a text or a mapping with text, source and status");
                    break;
            }
        }
    }

    private void ReadQuestions(YamlReader yaml, string text)
    {
        if (yaml.Root(text) is not { } root)
        {
            return;
        }

        foreach (var entry in yaml.Sequence(root, "questions"))
        {
            yaml.OnlyKnownFields(entry, "id", "kind", "prompt", "help", "options", "min", "max");
            var id = yaml.String(entry, "id");
            var prompt = yaml.String(entry, "prompt");
            var kindText = yaml.String(entry, "kind");
            if (id is null || prompt is null || kindText is null)
            {
                continue;
            }

            if (!Enum.TryParse<QuestionKind>(kindText, out var kind))
            {
                yaml.Error(YamlReader.Line(entry), $"question '{id}': unknown kind '{kindText}' (Choice, YesNo, Number, Date, FreeText, Country)");
                continue;
            }

            var options = new List<QuestionOption>();
            foreach (var option in yaml.Sequence(entry, "options", required: kind is QuestionKind.Choice or QuestionKind.Country))
            {
                yaml.OnlyKnownFields(option, "id", "label", "safeguarding");
                var optionId = yaml.String(option, "id");
                var label = yaml.String(option, "label");
                var category = yaml.String(option, "safeguarding", required: false);
                if (category is not null && !Enum.TryParse<SafeguardingCategory>(category, out _))
                {
                    yaml.Error(YamlReader.Line(option), $"unknown safeguarding category '{category}'");
                }

                if (optionId is not null && label is not null)
                {
                    options.Add(new QuestionOption(optionId, label, category));
                }
            }

            if (kind == QuestionKind.YesNo && options.Count == 0)
            {
                options.Add(new QuestionOption("yes", "common.yes"));
                options.Add(new QuestionOption("no", "common.no"));
            }

            var min = Integer(yaml, entry, "min");
            var max = Integer(yaml, entry, "max");
            if (kind == QuestionKind.Number && (min is null || max is null || min > max))
            {
                yaml.Error(YamlReader.Line(entry), $"question '{id}': a Number question needs 'min' and 'max' with min ≤ max");
            }

            if (!model.Questions.TryAdd(id, new Question(id, kind, prompt, yaml.String(entry, "help", required: false), options, min, max)))
            {
                yaml.Error(YamlReader.Line(entry), $"duplicate question id '{id}'");
            }
        }
    }

    private static int? Integer(YamlReader yaml, YamlMappingNode map, string key)
    {
        var text = yaml.String(map, key, required: false);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        yaml.Error(YamlReader.Line(YamlReader.Get(map, key)!), $"field '{key}' must be a whole number");
        return null;
    }
}
