using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Avrr.Knowledge;

/// <summary>
/// Checks a content file before the YAML node model is built from it. That model is recursive: a few kilobytes of
/// nested brackets (an administrator's draft, a zip import) would overflow the stack and end the host. The event
/// parser is not recursive, so it can measure the depth safely first.
/// </summary>
public static class YamlLimits
{
    /// <summary>Larger than any real content file (the biggest strings file is under 100 KB).</summary>
    public const int MaxCharacters = 1_000_000;

    /// <summary>Content needs about six levels; anything far deeper is a mistake or an attack.</summary>
    public const int MaxDepth = 32;

    /// <returns>Null when the text may be parsed; otherwise the line and what is wrong, for the administrator.</returns>
    public static (int Line, string Message)? Check(string text)
    {
        if (text.Length > MaxCharacters)
        {
            return (1, $"the file is larger than {MaxCharacters / 1000} KB");
        }

        var parser = new Parser(new StringReader(text));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case SequenceStart or MappingStart:
                        if (++depth > MaxDepth)
                        {
                            return ((int)Math.Max(1, parser.Current.Start.Line), $"YAML nested deeper than {MaxDepth} levels");
                        }

                        break;
                    case SequenceEnd or MappingEnd:
                        depth--;
                        break;
                    case AnchorAlias alias:
                        // Aliases can expand a small file into a huge tree; content never needs them.
                        return ((int)Math.Max(1, alias.Start.Line), "YAML aliases (*name) are not allowed in content files");
                }
            }
        }
        catch (YamlException ex)
        {
            return ((int)Math.Max(1, ex.Start.Line), "YAML syntax error: " + ex.Message);
        }

        return null;
    }
}
