using System.Globalization;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Avrr.Bot.Channels.Telegram;

/// <summary>What one Bot API update means to the bot, read without side effects.</summary>
public abstract record TelegramUpdate
{
    /// <summary>
    /// A message or a button press from a person in a private chat. <paramref name="ExternalId"/> is the dedupe key
    /// (chat and message id, or the callback query's id); <paramref name="Start"/> is a deep link's parameter;
    /// <paramref name="Choice"/> the pressed button's value when it fitted in its callback data.
    /// </summary>
    public sealed record Inbound(long ChatId, string ExternalId, string? Text, string? Start, string? Choice, string? Locale, CallbackPress? Press = null) : TelegramUpdate;

    /// <summary>The person blocked the bot.</summary>
    public sealed record Blocked(long ChatId) : TelegramUpdate;

    /// <summary>Not for the bot: group chats, edits, other update kinds.</summary>
    public sealed record Ignored : TelegramUpdate;

    /// <summary>A message or press in a shape Telegram never sends (the webhook answers 400).</summary>
    public sealed record Malformed : TelegramUpdate;

    /// <summary>A callback query to answer, and the message whose keyboard was used (0 when unknown).</summary>
    public sealed record CallbackPress(string QueryId, int MessageId, bool HadKeyboard);

    public static TelegramUpdate Read(Update update) => update switch
    {
        { Message: { } message } => ReadMessage(message),
        { CallbackQuery: { } callback } => ReadCallback(callback),
        { MyChatMember: { NewChatMember.Status: ChatMemberStatus.Kicked, Chat.Id: var chat and not 0 } } => new Blocked(chat),
        _ => new Ignored(),
    };

    private static TelegramUpdate ReadMessage(Message message)
    {
        // A chat's id is never 0 and a message's id is 0 only for ephemeral messages, which are not for the bot.
        if (message.Chat is null || message.Chat.Id == 0 || message.Id == 0)
        {
            return new Malformed();
        }

        if (message.Chat.Type != ChatType.Private)
        {
            return new Ignored();
        }

        // Photos, voice notes, stickers: a placeholder the dialog answers, rather than silence.
        var text = message.Text ?? "[" + Placeholder(message.Type) + "]";
        string? start = null;
        if (text == "/start" || text.StartsWith("/start ", StringComparison.Ordinal))
        {
            // A deep link (t.me/<bot>?start=<parameter>, e.g. a counselling centre's QR code) arrives as "/start <parameter>".
            start = text.Length > 7 ? text[7..].Trim() : null;
            text = null;
        }

        var id = $"m:{message.Chat.Id.ToString(CultureInfo.InvariantCulture)}:{message.Id.ToString(CultureInfo.InvariantCulture)}";
        return new Inbound(message.Chat.Id, id, text, start, null, message.From?.LanguageCode);
    }

    private static TelegramUpdate ReadCallback(CallbackQuery callback)
    {
        if (string.IsNullOrEmpty(callback.Id) || callback.Message is not { Chat.Id: var chatId and not 0 } original)
        {
            return new Malformed();
        }

        var data = callback.Data ?? "";
        // The pressed button's title comes back with the keyboard; a hashed value is matched by that title alone.
        var title = original.ReplyMarkup?.InlineKeyboard.SelectMany(row => row).FirstOrDefault(button => button.CallbackData == data)?.Text;
        var choice = data.StartsWith("h:", StringComparison.Ordinal) ? null : data;
        return new Inbound(chatId, "cb:" + callback.Id, title ?? data, null, choice, callback.From?.LanguageCode, new CallbackPress(callback.Id, original.Id, original.ReplyMarkup is not null));
    }

    private static string Placeholder(MessageType type) => type switch
    {
        MessageType.Photo => "photo",
        MessageType.Voice => "voice",
        MessageType.Audio => "audio",
        MessageType.Video => "video",
        MessageType.Document => "document",
        MessageType.Sticker => "sticker",
        MessageType.Location => "location",
        MessageType.Contact => "contact",
        _ => "message",
    };
}
