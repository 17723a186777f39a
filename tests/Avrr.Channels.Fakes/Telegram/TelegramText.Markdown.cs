using System.Text;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>Legacy Markdown and MarkdownV2, ported from tdlib's parse_markdown and parse_markdown_v2.</summary>
internal static partial class TelegramText
{
    private static Parsed ParseMarkdown(string s)
    {
        var result = new StringBuilder();
        var entities = new List<Entity>();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && At(s, i + 1) is '_' or '*' or '`' or '[')
            {
                i++;
                result.Append(s[i]);
                continue;
            }
            if (c is not ('_' or '*' or '`' or '['))
            {
                result.Append(c);
                continue;
            }

            var beginPos = i;
            var endCharacter = c == '[' ? ']' : c;
            var isPre = false;
            i++;
            var language = "";
            if (c == '`' && At(s, i) == '`' && At(s, i + 1) == '`')
            {
                i += 2;
                isPre = true;
                var languageEnd = i;
                while (!IsSpace(At(s, languageEnd)) && At(s, languageEnd) != '`')
                {
                    languageEnd++;
                }
                if (i != languageEnd && languageEnd < s.Length && At(s, languageEnd) != '`')
                {
                    language = s[i..languageEnd];
                    i = languageEnd;
                }
                i = SkipOneNewLine(s, i);
            }

            var entityOffset = result.Length;
            while (i < s.Length && (s[i] != endCharacter || (isPre && !(At(s, i + 1) == '`' && At(s, i + 2) == '`'))))
            {
                result.Append(s[i++]);
            }
            if (i == s.Length)
            {
                throw new FormatException($"Can't find end of the entity starting at byte offset {Bytes(s, beginPos)}");
            }

            if (entityOffset != result.Length)
            {
                var length = result.Length - entityOffset;
                switch (c)
                {
                    case '_':
                        entities.Add(new Entity(Kind.Italic, entityOffset, length));
                        break;
                    case '*':
                        entities.Add(new Entity(Kind.Bold, entityOffset, length));
                        break;
                    case '[':
                        string url;
                        if (At(s, i + 1) != '(')
                        {
                            url = s[(beginPos + 1)..i];
                        }
                        else
                        {
                            i += 2;
                            var urlBuilder = new StringBuilder();
                            while (i < s.Length && s[i] != ')')
                            {
                                urlBuilder.Append(s[i++]);
                            }
                            url = urlBuilder.ToString();
                        }
                        AddLink(entities, entityOffset, length, url);
                        break;
                    default:
                        entities.Add(isPre
                            ? new Entity(language.Length == 0 ? Kind.Pre : Kind.PreCode, entityOffset, length, language)
                            : new Entity(Kind.Code, entityOffset, length));
                        break;
                }
            }
            if (isPre)
            {
                i += 2;
            }
        }
        return new Parsed(result.ToString(), entities);
    }

    private static int SkipOneNewLine(string s, int i)
    {
        if (At(s, i) is '\n' or '\r')
        {
            return At(s, i + 1) is '\n' or '\r' && At(s, i) != At(s, i + 1) ? i + 2 : i + 1;
        }
        return i;
    }

    private sealed record Open(Kind Kind, string Argument, int Offset, int SourceIndex, int BeginPos);

    private static Parsed ParseMarkdownV2(string s)
    {
        var result = new StringBuilder();
        var entities = new List<Entity>();
        var nested = new List<Open>();
        var haveBlockquote = false;
        var canStartBlockquote = true;

        FormatException CantFindEnd(Open open) =>
            new($"Can't find end of {open.Kind} entity at byte offset {Bytes(s, open.SourceIndex)}");

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && At(s, i + 1) > 0 && At(s, i + 1) <= 126)
            {
                i++;
                result.Append(s[i]);
                if (s[i] != '\r')
                {
                    canStartBlockquote = s[i] == '\n';
                }
                continue;
            }

            var reserved = "_*[]()~`>#+-=|{}.!\n";
            if (nested.Count > 0 && nested[^1].Kind is Kind.Code or Kind.Pre or Kind.PreCode)
            {
                reserved = "`";
            }
            if (!reserved.Contains(c, StringComparison.Ordinal))
            {
                result.Append(c);
                if (c != '\r')
                {
                    canStartBlockquote = false;
                }
                continue;
            }

            if (!IsEndOfEntity(s, i, nested, haveBlockquote))
            {
                var kind = (Kind?)null;
                var argument = "";
                var sourceIndex = i;
                switch (c)
                {
                    case '_':
                        if (At(s, i + 1) == '_')
                        {
                            kind = Kind.Underline;
                            i++;
                        }
                        else
                        {
                            kind = Kind.Italic;
                        }
                        break;
                    case '*':
                        kind = Kind.Bold;
                        break;
                    case '~':
                        kind = Kind.Strikethrough;
                        break;
                    case '|':
                        if (At(s, i + 1) != '|')
                        {
                            throw Reserved(c);
                        }
                        i++;
                        kind = Kind.Spoiler;
                        break;
                    case '[':
                        kind = Kind.TextUrl;
                        break;
                    case '`':
                        if (At(s, i + 1) == '`' && At(s, i + 2) == '`')
                        {
                            i += 3;
                            kind = Kind.Pre;
                            var languageEnd = i;
                            while (!IsSpace(At(s, languageEnd)) && At(s, languageEnd) != '`')
                            {
                                languageEnd++;
                            }
                            if (i != languageEnd && languageEnd < s.Length && At(s, languageEnd) != '`')
                            {
                                kind = Kind.PreCode;
                                argument = s[i..languageEnd];
                                i = languageEnd;
                            }
                            i = SkipOneNewLine(s, i) - 1;
                        }
                        else
                        {
                            kind = Kind.Code;
                        }
                        break;
                    case '!':
                        if (At(s, i + 1) != '[')
                        {
                            throw Reserved(c);
                        }
                        i++;
                        kind = Kind.CustomEmoji;
                        break;
                    case '\n':
                        result.Append('\n');
                        canStartBlockquote = true;
                        break;
                    case '>':
                        if (!canStartBlockquote)
                        {
                            throw Reserved(c);
                        }
                        if (!haveBlockquote)
                        {
                            kind = Kind.BlockQuote;
                            haveBlockquote = true;
                        }
                        break;
                    default:
                        throw Reserved(c);
                }
                if (kind is { } opened)
                {
                    nested.Add(new Open(opened, argument, result.Length, sourceIndex, result.Length));
                }
                continue;
            }

            // End of an entity.
            var type = nested[^1].Kind;
            if (c == '\n' && type != Kind.BlockQuote)
            {
                var top = nested[^1];
                var spoilerRightBefore = top.SourceIndex == i - 2 ||
                                         (top.SourceIndex == i - 3 && result.Length != 0 && result[^1] == '\r');
                if (type != Kind.Spoiler || !spoilerRightBefore)
                {
                    throw CantFindEnd(top);
                }
                nested.RemoveAt(nested.Count - 1);
                type = nested[^1].Kind;
                if (type != Kind.BlockQuote)
                {
                    throw CantFindEnd(nested[^1]);
                }
                type = Kind.ExpandableBlockQuote;
            }

            var open = nested[^1];
            var entityArgument = open.Argument;
            var skip = result.Length == open.Offset;
            switch (type)
            {
                case Kind.Underline:
                case Kind.Spoiler:
                    i++;
                    break;
                case Kind.Pre:
                case Kind.PreCode:
                    i += 2;
                    break;
                case Kind.TextUrl:
                    string url;
                    if (At(s, i + 1) != '(')
                    {
                        url = result.ToString(open.BeginPos, result.Length - open.BeginPos);
                    }
                    else
                    {
                        i += 2;
                        url = ReadMarkdownV2Url(s, ref i, "a URL");
                    }
                    if (MentionUserId(url) is { } userId)
                    {
                        type = Kind.MentionName;
                        entityArgument = userId;
                    }
                    else if (CheckLink(url) is { } checkedUrl)
                    {
                        entityArgument = checkedUrl;
                    }
                    else
                    {
                        skip = true;
                    }
                    break;
                case Kind.CustomEmoji:
                    if (At(s, i + 1) != '(')
                    {
                        throw new FormatException("Custom emoji entity must contain a tg://emoji URL");
                    }
                    i += 2;
                    entityArgument = CustomEmojiId(ReadMarkdownV2Url(s, ref i, "a custom emoji URL"));
                    break;
                case Kind.BlockQuote:
                case Kind.ExpandableBlockQuote:
                    haveBlockquote = false;
                    result.Append(s[i]);
                    canStartBlockquote = true;
                    skip = false;
                    break;
                default:
                    break;
            }

            if (!skip)
            {
                entities.Add(new Entity(type, open.Offset, result.Length - open.Offset, entityArgument));
            }
            nested.RemoveAt(nested.Count - 1);
        }

        if (haveBlockquote)
        {
            var type = Kind.BlockQuote;
            if (nested[^1].Kind == Kind.Spoiler && nested[^1].SourceIndex == s.Length - 2)
            {
                nested.RemoveAt(nested.Count - 1);
                type = Kind.ExpandableBlockQuote;
            }
            if (nested[^1].Kind == Kind.BlockQuote)
            {
                var length = result.Length - nested[^1].Offset;
                if (length != 0)
                {
                    entities.Add(new Entity(type, nested[^1].Offset, length));
                }
                nested.RemoveAt(nested.Count - 1);
            }
        }
        if (nested.Count > 0)
        {
            throw CantFindEnd(nested[^1]);
        }

        Sort(entities);
        return new Parsed(result.ToString(), entities);
    }

    private static bool IsEndOfEntity(string s, int i, List<Open> nested, bool haveBlockquote)
    {
        if (nested.Count == 0)
        {
            return false;
        }
        var c = s[i];
        if (haveBlockquote && c == '\n' && (i + 1 == s.Length || s[i + 1] != '>'))
        {
            return true;
        }
        return nested[^1].Kind switch
        {
            Kind.Bold => c == '*',
            Kind.Italic => c == '_' && At(s, i + 1) != '_',
            Kind.Code => c == '`',
            Kind.Pre or Kind.PreCode => c == '`' && At(s, i + 1) == '`' && At(s, i + 2) == '`',
            Kind.TextUrl or Kind.CustomEmoji => c == ']',
            Kind.Underline => c == '_' && At(s, i + 1) == '_',
            Kind.Strikethrough => c == '~',
            Kind.Spoiler => c == '|' && At(s, i + 1) == '|',
            _ => false,
        };
    }

    private static string ReadMarkdownV2Url(string s, ref int i, string what)
    {
        var begin = i;
        var url = new StringBuilder();
        while (i < s.Length && s[i] != ')')
        {
            if (s[i] == '\\' && At(s, i + 1) > 0 && At(s, i + 1) <= 126)
            {
                url.Append(s[i + 1]);
                i += 2;
                continue;
            }
            url.Append(s[i++]);
        }
        if (At(s, i) != ')')
        {
            throw new FormatException($"Can't find end of {what} at byte offset {Bytes(s, begin)}");
        }
        return url.ToString();
    }
}
