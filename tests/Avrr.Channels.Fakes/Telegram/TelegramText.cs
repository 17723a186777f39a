using System.Text;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>
/// Text with a <c>parse_mode</c>, read as tdlib reads it (td/telegram/MessageEntity.cpp: parse_markdown,
/// parse_markdown_v2, parse_html), so that escaping mistakes fail here as they fail on Telegram, with tdlib's error
/// texts, and so that the 4096-character limit is counted after parsing (Telegram Bot API documentation). Offsets are UTF-16, as
/// in the Bot API. Automatic entities (links, mentions, commands in the bot's text) are not detected.
/// </summary>
internal static partial class TelegramText
{
    public enum Kind
    {
        Bold,
        Italic,
        Underline,
        Strikethrough,
        Spoiler,
        Code,
        Pre,
        PreCode,
        TextUrl,
        MentionName,
        CustomEmoji,
        BlockQuote,
        ExpandableBlockQuote,
    }

    public sealed class Entity(Kind kind, int offset, int length, string argument = "")
    {
        public Kind Kind { get; set; } = kind;
        public int Offset { get; set; } = offset;
        public int Length { get; set; } = length;
        public string Argument { get; set; } = argument;
    }

    public sealed record Parsed(string Text, IReadOnlyList<Entity> Entities);

    /// <summary>Parses <paramref name="text"/> in <paramref name="mode"/> (lower-case markdown, markdownv2 or html).</summary>
    /// <exception cref="FormatException">With tdlib's message, e.g. <c>Character '.' is reserved ...</c>.</exception>
    public static Parsed Parse(string text, string mode) => mode switch
    {
        "markdown" => ParseMarkdown(text),
        "markdownv2" => ParseMarkdownV2(text),
        "html" => ParseHtml(text),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown parse mode"),
    };

    /// <summary>
    /// Telegram's cleaning of message text (fix_formatted_text): '\r' and U+2028..U+202E dropped, other control
    /// characters become spaces, spaces and newlines cut from both ends (from the start only up to the first entity).
    /// </summary>
    public static Parsed Clean(Parsed parsed)
    {
        var source = parsed.Text;
        var map = new int[source.Length + 1];
        var kept = new StringBuilder(source.Length);
        for (var i = 0; i < source.Length; i++)
        {
            map[i] = kept.Length;
            var c = source[i];
            if (c == '\r' || c is >= '\u2028' and <= '\u202E')
            {
                continue;
            }
            kept.Append(c < ' ' && c != '\n' ? ' ' : c);
        }
        map[source.Length] = kept.Length;

        var firstEntity = parsed.Entities.Count == 0 ? int.MaxValue : parsed.Entities.Min(e => map[e.Offset]);
        var start = 0;
        while (start < kept.Length && start < firstEntity && kept[start] is ' ' or '\n')
        {
            start++;
        }
        var end = kept.Length;
        while (end > start && kept[end - 1] is ' ' or '\n')
        {
            end--;
        }

        var entities = new List<Entity>();
        foreach (var entity in parsed.Entities)
        {
            var from = Math.Clamp(map[entity.Offset], start, end);
            var to = Math.Clamp(map[entity.Offset + entity.Length], start, end);
            if (to > from)
            {
                entities.Add(new Entity(entity.Kind, from - start, to - from, entity.Argument));
            }
        }
        return new Parsed(kept.ToString(start, end - start), entities);
    }

    /// <summary>The <c>entities</c> array of a Message, in tdlib's field order.</summary>
    public static JsonArray ToJson(IEnumerable<Entity> entities)
    {
        var array = new JsonArray();
        foreach (var entity in entities)
        {
            var json = new JsonObject { ["offset"] = entity.Offset, ["length"] = entity.Length };
            switch (entity.Kind)
            {
                case Kind.PreCode:
                    json["type"] = "pre";
                    json["language"] = entity.Argument;
                    break;
                case Kind.TextUrl:
                    json["type"] = "text_link";
                    json["url"] = entity.Argument;
                    break;
                case Kind.MentionName:
                    json["type"] = "text_mention";
                    json["user"] = new JsonObject { ["id"] = long.Parse(entity.Argument, System.Globalization.CultureInfo.InvariantCulture), ["is_bot"] = false, ["first_name"] = "" };
                    break;
                case Kind.CustomEmoji:
                    json["type"] = "custom_emoji";
                    json["custom_emoji_id"] = entity.Argument;
                    break;
                default:
                    json["type"] = TypeName(entity.Kind);
                    break;
            }
            array.Add(json);
        }
        return array;
    }

    private static string TypeName(Kind kind) => kind switch
    {
        Kind.Bold => "bold",
        Kind.Italic => "italic",
        Kind.Underline => "underline",
        Kind.Strikethrough => "strikethrough",
        Kind.Spoiler => "spoiler",
        Kind.Code => "code",
        Kind.Pre => "pre",
        Kind.BlockQuote => "blockquote",
        Kind.ExpandableBlockQuote => "expandable_blockquote",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // C++ strings end in '\0'; reading past the end behaves the same here.
    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    // td::is_space counts '\0' as space, which ends the scans below at the end of the text.
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\0' or '\v';

    private static int Bytes(string s, int index) => Encoding.UTF8.GetByteCount(s.AsSpan(0, index));

    private static FormatException Reserved(char c) =>
        new($"Character '{c}' is reserved and must be escaped with the preceding '\\'");

    /// <summary>tdlib's sort_entities: by offset, longer first, then by type priority (get_type_priority).</summary>
    private static void Sort(List<Entity> entities)
    {
        var sorted = entities.OrderBy(e => e.Offset).ThenByDescending(e => e.Length).ThenBy(e => Priority(e.Kind)).ToList();
        entities.Clear();
        entities.AddRange(sorted);
    }

    private static int Priority(Kind kind) => kind switch
    {
        Kind.BlockQuote or Kind.ExpandableBlockQuote => 0,
        Kind.PreCode => 10,
        Kind.Pre => 11,
        Kind.Code => 20,
        Kind.TextUrl or Kind.MentionName => 49,
        Kind.Bold => 90,
        Kind.Italic => 91,
        Kind.Underline => 92,
        Kind.Strikethrough => 93,
        Kind.Spoiler => 94,
        _ => 99,
    };
}
