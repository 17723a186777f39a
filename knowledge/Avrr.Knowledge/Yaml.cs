using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Avrr.Knowledge;

/// <summary>Small helpers over YamlDotNet's node model, which keeps line numbers for diagnostics.</summary>
internal sealed class YamlReader(string file, List<ContentDiagnostic> diagnostics)
{
    public string File => file;

    public YamlMappingNode? Root(string text)
    {
        if (YamlLimits.Check(text) is { } problem)
        {
            Error(problem.Line, problem.Message);
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error(1, "expected a YAML mapping at the top");
                return null;
            }

            return root;
        }
        catch (YamlException ex)
        {
            Error((int)Math.Max(1, ex.Start.Line), "YAML syntax error: " + ex.Message);
            return null;
        }
    }

    public void Error(int line, string message) => diagnostics.Add(new ContentDiagnostic(file, line, message));

    public void PolicyError(int line, string message) => diagnostics.Add(new ContentDiagnostic(file, line, message) { Policy = true });

    public void Warning(int line, string message) => diagnostics.Add(new ContentDiagnostic(file, line, message, DiagnosticSeverity.Warning));

    public static int Line(YamlNode node) => (int)Math.Max(1, node.Start.Line);

    public static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public string? String(YamlMappingNode map, string key, bool required = true)
    {
        var node = Get(map, key);
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        if (required)
        {
            Error(Line(node ?? map), node is null ? $"missing field '{key}'" : $"field '{key}' must be a non-empty text");
        }

        return null;
    }

    public DateOnly? Date(YamlMappingNode map, string key)
    {
        var text = String(map, key);
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            return date;
        }

        Error(Line(Get(map, key)!), $"field '{key}' must be a date like 2026-11-01");
        return null;
    }

    public IEnumerable<YamlMappingNode> Sequence(YamlMappingNode map, string key, bool required = true)
    {
        var node = Get(map, key);
        if (node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence)
            {
                if (item is YamlMappingNode entry)
                {
                    yield return entry;
                }
                else
                {
                    Error(Line(item), $"each entry of '{key}' must be a mapping");
                }
            }
        }
        else if (node is not null || required)
        {
            Error(Line(node ?? map), $"field '{key}' must be a list");
        }
    }

    public List<string> StringList(YamlNode? node, string what)
    {
        var result = new List<string>();
        if (node is YamlScalarNode { Value: { } single })
        {
            result.Add(single);
        }
        else if (node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence)
            {
                if (item is YamlScalarNode { Value: { } value })
                {
                    result.Add(value);
                }
                else
                {
                    Error(Line(item), $"{what} must be a list of texts");
                }
            }
        }
        else if (node is not null)
        {
            Error(Line(node), $"{what} must be a text or a list of texts");
        }

        return result;
    }

    public void OnlyKnownFields(YamlMappingNode map, params string[] known)
    {
        foreach (var key in map.Children.Keys)
        {
            if (key is YamlScalarNode { Value: { } name } && !known.Contains(name))
            {
                Error(Line(key), $"unknown field '{name}'");
            }
        }
    }
}
