using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>
/// getMe, sendMessage, answerCallbackQuery, editMessageReplyMarkup and sendChatAction (Telegram Bot API documentation). Checks run
/// in the order Telegram runs them: the request's own arguments first, then the chat, then what Telegram's server
/// checks (length after parsing, callback_data bytes, blocked).
/// </summary>
public sealed partial class TelegramFake
{
    private const int MaxTextLength = 4096;
    private const int MaxCallbackAnswerLength = 200;

    private static readonly HashSet<string> ChatActionNames = new(StringComparer.Ordinal)
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
        "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    };

    private TelegramResponse GetMe()
    {
        var me = BotUser();
        me["can_join_groups"] = true;
        me["can_read_all_group_messages"] = false;
        me["supports_inline_queries"] = false;
        me["can_connect_to_business"] = false;
        me["has_main_web_app"] = false;
        return TelegramResponse.Ok(me);
    }

    private TelegramResponse SendMessage(TelegramParameters parameters)
    {
        var rawText = parameters.GetString("text") ?? "";
        if (rawText.Length == 0)
        {
            throw TelegramErrorException.BadRequest("message text is empty");
        }
        var parseMode = parameters.GetString("parse_mode");
        var (parsed, explicitEntities) = ReadText(rawText, parseMode, parameters);
        var markup = TelegramMarkup.Read(parameters);

        lock (_gate)
        {
            var chat = FindChat(parameters);
            var text = TelegramText.Clean(parsed);
            if (text.Text.Length == 0)
            {
                throw TelegramErrorException.BadRequest("text must be non-empty");
            }
            if (text.Text.EnumerateRunes().Count() > MaxTextLength)
            {
                throw TelegramErrorException.BadRequest("message is too long");
            }
            TelegramMarkup.CheckCallbackData(markup?.Inline);
            ThrowIfBotBlocked(chat);

            var now = _time.GetUtcNow();
            var entities = explicitEntities ?? (text.Entities.Count > 0 ? TelegramText.ToJson(text.Entities) : null);
            var stored = new TelegramStoredMessage
            {
                MessageId = chat.NextMessageId++,
                FromBot = true,
                Date = now.ToUnixTimeSeconds(),
                Text = text.Text,
                Entities = entities,
                InlineMarkup = markup?.Inline,
            };
            chat.Messages.Add(stored.MessageId, stored);
            _sent.Add(new TelegramSent(chat.Id, stored.MessageId, stored.Text, markup?.Raw.DeepClone(), now)
            {
                RawText = rawText,
                ParseMode = parseMode,
                Entities = (JsonArray?)entities?.DeepClone(),
            });
            Notify();
            return TelegramResponse.Ok(MessageJson(chat, stored));
        }
    }

    /// <summary>The text after parse_mode, or as sent with its explicit <c>entities</c> (echoed, not validated).</summary>
    private static (TelegramText.Parsed Parsed, JsonArray? ExplicitEntities) ReadText(
        string rawText, string? parseMode, TelegramParameters parameters)
    {
        var mode = (parseMode ?? "").ToLowerInvariant();
        if (mode is "" or "none")
        {
            JsonArray? entities;
            try
            {
                entities = parameters.GetJson("entities") as JsonArray;
            }
            catch (JsonException)
            {
                throw TelegramErrorException.BadRequest("can't parse entities JSON object");
            }
            return (new TelegramText.Parsed(rawText, []), entities is { Count: > 0 } ? entities : null);
        }
        if (mode is not ("markdown" or "markdownv2" or "html"))
        {
            throw TelegramErrorException.BadRequest("unsupported parse_mode");
        }
        try
        {
            return (TelegramText.Parse(rawText, mode), null);
        }
        catch (FormatException e)
        {
            throw TelegramErrorException.BadRequest("can't parse entities: " + e.Message);
        }
    }

    private TelegramResponse AnswerCallbackQuery(TelegramParameters parameters)
    {
        var id = parameters.GetString("callback_query_id") ?? "";
        var text = parameters.GetString("text");
        lock (_gate)
        {
            if (!_callbacks.TryGetValue(id, out var query) || query.Answered)
            {
                throw TelegramErrorException.BadRequest("query is too old and response timeout expired or query ID is invalid");
            }
            if (text is not null && text.EnumerateRunes().Count() > MaxCallbackAnswerLength)
            {
                throw TelegramErrorException.BadRequest("MESSAGE_TOO_LONG"); // The query stays open.
            }
            query.Answered = true;
            _answeredCallbackIds.Add(id);
            _callbackAnswers.Add(new TelegramCallbackAnswer(id, text, parameters.GetBool("show_alert"), _time.GetUtcNow()));
            Notify();
        }
        return TelegramResponse.Ok(true);
    }

    private TelegramResponse EditMessageReplyMarkup(TelegramParameters parameters)
    {
        var markup = TelegramMarkup.Read(parameters);
        if (markup?.Kind is TelegramMarkupKind.Reply or TelegramMarkupKind.Remove or TelegramMarkupKind.ForceReply)
        {
            throw TelegramErrorException.BadRequest("inline keyboard expected");
        }
        if (!parameters.Has("chat_id") && parameters.Has("inline_message_id"))
        {
            // The fake sends no inline-mode messages, so no inline_message_id names one.
            throw TelegramErrorException.BadRequest("MESSAGE_ID_INVALID");
        }

        lock (_gate)
        {
            var chat = FindChat(parameters);
            var messageId = parameters.GetInt64("message_id") ?? 0;
            if (messageId <= 0)
            {
                throw TelegramErrorException.BadRequest("message identifier is not specified");
            }
            if (!chat.Messages.TryGetValue(messageId, out var message))
            {
                throw TelegramErrorException.BadRequest("message to edit not found");
            }
            if (!message.FromBot)
            {
                throw TelegramErrorException.BadRequest("message can't be edited");
            }
            var inline = markup?.Inline;
            TelegramMarkup.CheckCallbackData(inline);
            ThrowIfBotBlocked(chat);
            if (JsonNode.DeepEquals(message.InlineMarkup, inline))
            {
                throw TelegramErrorException.BadRequest(
                    "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
            }

            var now = _time.GetUtcNow();
            message.InlineMarkup = inline;
            message.EditDate = now.ToUnixTimeSeconds();
            _edits.Add(new TelegramEdit(chat.Id, messageId, inline?.DeepClone(), now));
            Notify();
            return TelegramResponse.Ok(MessageJson(chat, message));
        }
    }

    private TelegramResponse SendChatAction(TelegramParameters parameters)
    {
        var action = parameters.GetString("action") ?? "";
        if (!ChatActionNames.Contains(action))
        {
            throw TelegramErrorException.BadRequest("wrong parameter action in request");
        }
        lock (_gate)
        {
            var chat = FindChat(parameters);
            ThrowIfBotBlocked(chat);
            _chatActions.Add((chat.Id, action, _time.GetUtcNow()));
            Notify();
        }
        return TelegramResponse.Ok(true);
    }

    /// <summary>The chat named by chat_id; Telegram knows no chat the person never wrote from. Call under the lock.</summary>
    private TelegramChat FindChat(TelegramParameters parameters)
    {
        var chatId = parameters.GetString("chat_id");
        if (string.IsNullOrEmpty(chatId))
        {
            throw TelegramErrorException.BadRequest("chat_id is empty");
        }
        if (!long.TryParse(chatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ||
            !_chats.TryGetValue(id, out var chat))
        {
            throw TelegramErrorException.BadRequest("chat not found");
        }
        return chat;
    }

    private static void ThrowIfBotBlocked(TelegramChat chat)
    {
        if (chat.Blocked)
        {
            throw new TelegramErrorException(403, "Forbidden: bot was blocked by the user");
        }
    }
}
