using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>What kind of keyboard a <c>reply_markup</c> is (Telegram Bot API documentation).</summary>
internal enum TelegramMarkupKind
{
    None,
    Inline,
    Reply,
    Remove,
    ForceReply,
}

/// <summary>A <c>reply_markup</c> as sent, and the inline keyboard Telegram would store and return for it.</summary>
internal sealed record TelegramReplyMarkup(JsonObject Raw, TelegramMarkupKind Kind, JsonObject? Inline);

/// <summary>
/// Reads <c>reply_markup</c> with tdlib's error texts. Structure is checked as the request is read (before the chat);
/// the 64-byte <c>callback_data</c> limit is Telegram's server check and comes after the chat (see the callers).
/// </summary>
internal static class TelegramMarkup
{
    // The order tdlib reads button actions in; every one of them makes a button that is not a "text button".
    private static readonly string[] OtherActions =
    [
        "callback_game", "switch_inline_query", "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
        "login_url", "pay", "web_app", "copy_text",
    ];

    public static TelegramReplyMarkup? Read(TelegramParameters parameters)
    {
        JsonNode? node;
        try
        {
            node = parameters.GetJson("reply_markup");
        }
        catch (JsonException)
        {
            throw TelegramErrorException.BadRequest("can't parse reply keyboard markup JSON object");
        }
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject markup)
        {
            throw TelegramErrorException.BadRequest("object expected as reply markup");
        }

        // tdlib checks inline_keyboard even when a reply keyboard sent with it wins.
        var inline = markup.ContainsKey("inline_keyboard") ? ReadInline(markup["inline_keyboard"]) : null;
        if (markup.ContainsKey("keyboard"))
        {
            if (markup["keyboard"] is not JsonArray rows || rows.Any(row => row is not JsonArray))
            {
                throw TelegramErrorException.BadRequest("field \"keyboard\" must be of type Array of Arrays");
            }
            return new TelegramReplyMarkup(markup, TelegramMarkupKind.Reply, null);
        }
        if (inline is not null)
        {
            return new TelegramReplyMarkup(markup, TelegramMarkupKind.Inline, inline);
        }
        if (markup.ContainsKey("remove_keyboard") || markup.ContainsKey("hide_keyboard"))
        {
            return new TelegramReplyMarkup(markup, TelegramMarkupKind.Remove, null);
        }
        if (markup.ContainsKey("force_reply"))
        {
            return new TelegramReplyMarkup(markup, TelegramMarkupKind.ForceReply, null);
        }
        return new TelegramReplyMarkup(markup, TelegramMarkupKind.None, null);
    }

    /// <summary>Telegram's server rejects <c>callback_data</c> over 64 UTF-8 bytes (not characters).</summary>
    public static void CheckCallbackData(JsonObject? inline)
    {
        if (inline?["inline_keyboard"] is not JsonArray rows)
        {
            return;
        }
        foreach (var button in rows.OfType<JsonArray>().SelectMany(row => row).OfType<JsonObject>())
        {
            if (button["callback_data"] is JsonValue data && Encoding.UTF8.GetByteCount(data.GetValue<string>()) > 64)
            {
                throw TelegramErrorException.BadRequest("BUTTON_DATA_INVALID");
            }
        }
    }

    private static JsonObject ReadInline(JsonNode? node)
    {
        if (node is not JsonArray rows)
        {
            throw TelegramErrorException.BadRequest("field \"inline_keyboard\" must be of type Array");
        }
        var stored = new JsonArray();
        foreach (var row in rows)
        {
            if (row is not JsonArray buttons)
            {
                throw TelegramErrorException.BadRequest("field \"inline_keyboard\" must be an Array of Arrays");
            }
            var storedRow = new JsonArray();
            foreach (var button in buttons)
            {
                storedRow.Add(ReadButton(button));
            }
            stored.Add(storedRow);
        }
        return new JsonObject { ["inline_keyboard"] = stored };
    }

    /// <summary>The button as Telegram returns it: its text, its one action, and nothing else it does not keep.</summary>
    private static JsonObject ReadButton(JsonNode? node)
    {
        if (node is not JsonObject button)
        {
            throw ButtonError("InlineKeyboardButton must be an Object");
        }
        var text = StringField(button, "text") ?? throw ButtonError("Can't find field \"text\"");

        var stored = new JsonObject { ["text"] = text };
        foreach (var name in new[] { "icon_custom_emoji_id", "style" })
        {
            if (button[name] is { } extra)
            {
                stored[name] = extra.DeepClone();
            }
        }

        var actions = new List<(string Name, JsonNode Value)>();
        // tdlib treats an empty url or callback_data as absent.
        if (StringField(button, "url") is { Length: > 0 } url)
        {
            actions.Add(("url", JsonValue.Create(url)));
        }
        if (StringField(button, "callback_data") is { Length: > 0 } data)
        {
            actions.Add(("callback_data", JsonValue.Create(data)));
        }
        foreach (var name in OtherActions)
        {
            if (button[name] is { } value)
            {
                actions.Add((name, value.DeepClone()));
            }
        }

        if (actions.Count == 0)
        {
            throw ButtonError("Text buttons are unallowed in the inline keyboard");
        }
        if (actions.Count > 1)
        {
            // Telegram silently keeps the first action (so url beats callback_data and the button stops calling
            // back). The fake refuses instead, so that the mistake shows in tests: a fake-only description.
            throw ButtonError(
                $"exactly one of url, callback_data or another action must be set, got {string.Join(", ", actions.Select(a => a.Name))} (fake check; Telegram would keep only {actions[0].Name})");
        }
        stored[actions[0].Name] = actions[0].Value;
        return stored;
    }

    private static string? StringField(JsonObject button, string name)
    {
        if (button[name] is not { } node)
        {
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }
        throw ButtonError($"Field \"{name}\" must be of type String");
    }

    private static TelegramErrorException ButtonError(string reason) =>
        TelegramErrorException.BadRequest("can't parse InlineKeyboardButton: " + reason);
}
