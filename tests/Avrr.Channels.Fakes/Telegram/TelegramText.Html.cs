using System.Text;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>HTML, ported from tdlib's parse_html and decode_html_entity.</summary>
internal static partial class TelegramText
{
    private sealed record OpenTag(string Tag, string Argument, int Offset);

    private static readonly HashSet<string> HtmlTags = new(StringComparer.Ordinal)
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span", "pre", "code",
        "blockquote",
    };

    private static Parsed ParseHtml(string s)
    {
        var result = new StringBuilder();
        var entities = new List<Entity>();
        var nested = new List<OpenTag>();
        var needRecheck = false;

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '&')
            {
                var position = i;
                var code = DecodeHtmlEntity(s, ref position);
                if (code != 0)
                {
                    needRecheck |= code is >= 0xD800 and <= 0xDFFF;
                    AppendCodePoint(result, code);
                    i = position - 1;
                    continue;
                }
            }
            if (c != '<')
            {
                result.Append(c);
                continue;
            }

            var beginPos = i++;
            if (At(s, i) != '/')
            {
                ReadStartTag(s, ref i, beginPos, nested, result.Length);
                continue;
            }

            if (nested.Count == 0)
            {
                throw new FormatException($"Unexpected end tag at byte offset {Bytes(s, beginPos)}");
            }
            while (!IsSpace(At(s, i)) && At(s, i) != '>')
            {
                i++;
            }
            var endTag = s[(beginPos + 2)..i].ToLowerInvariant();
            while (IsSpace(At(s, i)) && At(s, i) != '\0')
            {
                i++;
            }
            if (At(s, i) != '>')
            {
                throw new FormatException($"Unclosed end tag at byte offset {Bytes(s, beginPos)}");
            }
            var open = nested[^1];
            if (endTag.Length != 0 && endTag != open.Tag)
            {
                throw new FormatException(
                    $"Unmatched end tag at byte offset {Bytes(s, beginPos)}, expected \"</{open.Tag}>\", found \"</{endTag}>\"");
            }
            if (result.Length > open.Offset)
            {
                AddHtmlEntity(entities, open, result);
            }
            nested.RemoveAt(nested.Count - 1);
        }
        if (nested.Count > 0)
        {
            throw new FormatException($"Can't find end tag corresponding to start tag \"{nested[^1].Tag}\"");
        }

        foreach (var entity in entities.Where(e => e.Kind == Kind.Code))
        {
            entity.Argument = "";
        }
        Sort(entities);
        var text = result.ToString();
        if (needRecheck && !IsWellFormed(text))
        {
            throw new FormatException(
                "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units");
        }
        return new Parsed(text, entities);
    }

    private static void ReadStartTag(string s, ref int i, int beginPos, List<OpenTag> nested, int offset)
    {
        while (!IsSpace(At(s, i)) && At(s, i) != '>')
        {
            i++;
        }
        if (At(s, i) == '\0')
        {
            throw new FormatException($"Unclosed start tag at byte offset {Bytes(s, beginPos)}");
        }
        var tag = s[(beginPos + 1)..i].ToLowerInvariant();
        if (!HtmlTags.Contains(tag))
        {
            throw new FormatException($"Unsupported start tag \"{tag}\" at byte offset {Bytes(s, beginPos)}");
        }

        var argument = "";
        while (At(s, i) != '>')
        {
            while (At(s, i) != '\0' && IsSpace(At(s, i)))
            {
                i++;
            }
            if (At(s, i) == '>')
            {
                break;
            }
            var attributeBegin = i;
            while (!IsSpace(At(s, i)) && At(s, i) is not ('=' or '>' or '/' or '"' or '\''))
            {
                i++;
            }
            var attribute = s[attributeBegin..i];
            if (attribute.Length == 0)
            {
                throw new FormatException($"Empty attribute name in the tag \"{tag}\" at byte offset {Bytes(s, beginPos)}");
            }
            while (At(s, i) != '\0' && IsSpace(At(s, i)))
            {
                i++;
            }
            if (At(s, i) != '=')
            {
                if (At(s, i) == '\0')
                {
                    throw new FormatException($"Unclosed start tag \"{tag}\" at byte offset {Bytes(s, beginPos)}");
                }
                if (tag == "blockquote" && attribute == "expandable")
                {
                    argument = "1";
                }
                continue;
            }
            i++;
            while (At(s, i) != '\0' && IsSpace(At(s, i)))
            {
                i++;
            }
            if (At(s, i) == '\0')
            {
                throw new FormatException($"Unclosed start tag \"{tag}\" at byte offset {Bytes(s, beginPos)}");
            }

            string value;
            if (At(s, i) is not ('\'' or '"'))
            {
                var tokenBegin = i;
                while (char.IsAsciiLetterOrDigit(At(s, i)) || At(s, i) is '.' or '-')
                {
                    i++;
                }
                value = s[tokenBegin..i].ToLowerInvariant();
                if (!IsSpace(At(s, i)) && At(s, i) != '>')
                {
                    throw new FormatException($"Unexpected end of name token at byte offset {Bytes(s, tokenBegin)}");
                }
            }
            else
            {
                var quote = s[i++];
                var builder = new StringBuilder();
                while (At(s, i) != quote && At(s, i) != '\0')
                {
                    if (s[i] == '&')
                    {
                        var code = DecodeHtmlEntity(s, ref i);
                        if (code != 0)
                        {
                            AppendCodePoint(builder, code);
                            continue;
                        }
                    }
                    builder.Append(s[i++]);
                }
                if (At(s, i) == quote)
                {
                    i++;
                }
                value = builder.ToString();
            }
            if (At(s, i) == '\0')
            {
                throw new FormatException($"Unclosed start tag at byte offset {Bytes(s, beginPos)}");
            }

            if (tag == "a" && attribute == "href")
            {
                argument = value;
            }
            else if (tag == "code" && attribute == "class" && value.StartsWith("language-", StringComparison.Ordinal))
            {
                argument = value[9..];
            }
            else if (tag == "span" && attribute == "class" && value.StartsWith("tg-", StringComparison.Ordinal))
            {
                argument = value[3..];
            }
            else if (tag == "tg-emoji" && attribute == "emoji-id")
            {
                argument = value;
            }
            else if (tag == "blockquote" && attribute == "expandable")
            {
                argument = "1";
            }
        }

        if (tag == "span" && argument != "spoiler")
        {
            throw new FormatException($"Tag \"span\" must have class \"tg-spoiler\" at byte offset {Bytes(s, beginPos)}");
        }
        nested.Add(new OpenTag(tag, argument, offset));
    }

    private static void AddHtmlEntity(List<Entity> entities, OpenTag open, StringBuilder result)
    {
        var offset = open.Offset;
        var length = result.Length - offset;
        switch (open.Tag)
        {
            case "i" or "em":
                entities.Add(new Entity(Kind.Italic, offset, length));
                break;
            case "b" or "strong":
                entities.Add(new Entity(Kind.Bold, offset, length));
                break;
            case "s" or "strike" or "del":
                entities.Add(new Entity(Kind.Strikethrough, offset, length));
                break;
            case "u" or "ins":
                entities.Add(new Entity(Kind.Underline, offset, length));
                break;
            case "tg-spoiler" or "span":
                entities.Add(new Entity(Kind.Spoiler, offset, length));
                break;
            case "tg-emoji":
                if (!long.TryParse(open.Argument, System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out var emojiId) || emojiId == 0)
                {
                    throw new FormatException("Invalid custom emoji identifier specified");
                }
                entities.Add(new Entity(Kind.CustomEmoji, offset, length, open.Argument));
                break;
            case "a":
                var url = open.Argument.Length == 0 ? result.ToString(offset, length) : open.Argument;
                AddLink(entities, offset, length, url);
                break;
            case "pre":
                if (entities.Count > 0 && entities[^1] is { Kind: Kind.Code } code && code.Offset == offset &&
                    code.Length == length && code.Argument.Length != 0)
                {
                    code.Kind = Kind.PreCode;
                }
                else
                {
                    entities.Add(new Entity(Kind.Pre, offset, length));
                }
                break;
            case "code":
                if (entities.Count > 0 && entities[^1] is { Kind: Kind.Pre } pre && pre.Offset == offset &&
                    pre.Length == length && open.Argument.Length != 0)
                {
                    pre.Kind = Kind.PreCode;
                    pre.Argument = open.Argument;
                }
                else
                {
                    entities.Add(new Entity(Kind.Code, offset, length, open.Argument));
                }
                break;
            default:
                entities.Add(new Entity(open.Argument.Length != 0 ? Kind.ExpandableBlockQuote : Kind.BlockQuote, offset, length));
                break;
        }
    }

    /// <summary>tdlib's decode_html_entity: &amp;lt; &amp;gt; &amp;amp; &amp;quot; and numeric references; 0 when not one.</summary>
    private static int DecodeHtmlEntity(string s, ref int position)
    {
        var end = position + 1;
        var code = 0u;
        if (At(s, position + 1) == '#')
        {
            end++;
            if (At(s, position + 2) == 'x')
            {
                end++;
                while (char.IsAsciiHexDigit(At(s, end)))
                {
                    code = unchecked((code * 16) + HexValue(At(s, end)));
                    end++;
                }
            }
            else
            {
                while (char.IsAsciiDigit(At(s, end)))
                {
                    code = unchecked((code * 10) + (uint)(At(s, end) - '0'));
                    end++;
                }
            }
            if (code == 0 || code >= 0x10FFFF || end - position >= 10)
            {
                return 0;
            }
        }
        else
        {
            while (char.IsAsciiLetter(At(s, end)))
            {
                end++;
            }
            code = s[(position + 1)..end] switch
            {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                _ => 0u,
            };
            if (code == 0)
            {
                return 0;
            }
        }
        position = At(s, end) == ';' ? end + 1 : end;
        return (int)code;
    }

    private static uint HexValue(char c) => (uint)(char.IsAsciiDigit(c) ? c - '0' : (char.ToLowerInvariant(c) - 'a') + 10);

    private static void AppendCodePoint(StringBuilder builder, int code)
    {
        if (code is >= 0xD800 and <= 0xDFFF || code <= 0xFFFF)
        {
            builder.Append((char)code);
        }
        else
        {
            builder.Append(char.ConvertFromUtf32(code));
        }
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
