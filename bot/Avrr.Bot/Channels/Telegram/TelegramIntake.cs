using System.Globalization;
using Avrr.Bot.Activities;
using Avrr.Bot.Common;
using Avrr.Bot.Turns;
using Avrr.Dialogs;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;
using Activity = Avrr.Bot.Activities.Activity;

namespace Avrr.Bot.Channels.Telegram;

/// <summary>
/// One Telegram update into the durable inbox (deduplicated by chat and message id, or callback id), answered fast;
/// the turn runs afterwards. Callback queries are always answered, and typing is shown while the turn runs.
/// </summary>
internal sealed partial class TelegramIntake(InboxIntake inbox, OutboxStore outbox, ITelegramBotClient client, ChannelStatus status, TimeProvider time, ILogger<TelegramIntake> logger)
{
    /// <summary>Telegram's limits as the dialog shapes replies: 4096 characters, an inline keyboard (one button per row).</summary>
    public static ChannelCapabilities Capabilities { get; } = new(TelegramSender.MaxText, 24, true);

    /// <returns>
    /// True when a new message was stored; false for a duplicate or an update not for the bot (group chats, edits,
    /// other kinds); null when a message or button press is malformed (the webhook answers 400).
    /// </returns>
    public async Task<bool?> AcceptAsync(Update update, CancellationToken ct)
    {
        if (update.Message is { } message)
        {
            return await AcceptMessageAsync(message, ct);
        }

        if (update.CallbackQuery is { } callback)
        {
            return await AcceptCallbackAsync(callback, ct);
        }

        if (update.MyChatMember is { NewChatMember.Status: ChatMemberStatus.Kicked, Chat.Id: var blockedBy and not 0 })
        {
            // The person blocked the bot: stop now rather than at the next failed send.
            await outbox.OptOutAddressAsync(TelegramSender.ChannelName, Address(blockedBy), "the person blocked the bot", ct);
        }

        return false;
    }

    private async Task<bool?> AcceptMessageAsync(Message message, CancellationToken ct)
    {
        // A chat's id is never 0 and a message's id is 0 only for ephemeral messages, which are not for the bot.
        if (message.Chat is null || message.Chat.Id == 0 || message.Id == 0)
        {
            return null;
        }

        if (message.Chat.Type != ChatType.Private)
        {
            return false;
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

        var activity = NewActivity(text, message.From?.LanguageCode);
        var id = $"m:{Address(message.Chat.Id)}:{message.Id.ToString(CultureInfo.InvariantCulture)}";
        return await AcceptAsync(message.Chat.Id, id, activity, start, ct);
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

    private async Task<bool?> AcceptCallbackAsync(CallbackQuery callback, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(callback.Id) || callback.Message is not { Chat.Id: var chatId and not 0 } original)
        {
            return null;
        }

        var data = callback.Data ?? "";
        // The pressed button's title comes back with the keyboard; a hashed value is matched by that title alone.
        var title = original.ReplyMarkup?.InlineKeyboard.SelectMany(row => row).FirstOrDefault(button => button.CallbackData == data)?.Text;
        var activity = NewActivity(title ?? data, callback.From?.LanguageCode);
        if (!data.StartsWith("h:", StringComparison.Ordinal))
        {
            activity.Value = ActivityJson.ChoicePayload(data);
        }

        var accepted = await AcceptAsync(chatId, "cb:" + callback.Id, activity, null, ct);
        // Answer even a duplicate: the person's client shows a spinner until the query is answered.
        _ = BestEffortAsync("answerCallbackQuery", token => client.AnswerCallbackQuery(callback.Id, cancellationToken: token));
        if (accepted && original.Id != 0 && original.ReplyMarkup is not null)
        {
            // The keyboard has been used: remove it, so an old question is not answered twice by accident.
            _ = BestEffortAsync("editMessageReplyMarkup", token => client.EditMessageReplyMarkup(chatId, original.Id, InlineKeyboardMarkup.Empty(), cancellationToken: token));
        }

        return accepted;
    }

    private async Task<bool> AcceptAsync(long chatId, string externalId, Activity activity, string? start, CancellationToken ct)
    {
        var accepted = await inbox.AcceptAsync(new PushMessage(TelegramSender.ChannelName, Address(chatId), externalId, activity, Capabilities, start), ct);
        if (accepted.IsNew)
        {
            _ = BestEffortAsync("sendChatAction", token => client.SendChatAction(chatId, ChatAction.Typing, cancellationToken: token));
        }

        return accepted.IsNew;
    }

    /// <summary>A chat's address as the outbox sends to it (and as its keyed hash is computed).</summary>
    public static string Address(long chatId) => chatId.ToString(CultureInfo.InvariantCulture);

    // No platform ids in the activity: the address lives sealed on the conversation, in one place.
    private Activity NewActivity(string? text, string? locale) => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        Locale = locale,
        Timestamp = time.GetUtcNow(),
        From = new ChannelAccount { Id = "person", Role = RoleTypes.User },
    };

    private async Task BestEffortAsync(string method, Func<CancellationToken, Task> call)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), time);
        try
        {
            await call(timeout.Token);
        }
        catch (Exception ex) when (ex is RequestException || OutboundHttp.IsTransportFailure(ex))
        {
            status.Error(TelegramSender.ChannelName, $"{method}: {TelegramSender.Describe(ex)}", time.GetUtcNow());
            Log.BestEffortFailed(logger, method, (ex as ApiRequestException)?.ErrorCode ?? 0);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Telegram {Method} failed with {Code}")]
        public static partial void BestEffortFailed(ILogger logger, string method, int code);
    }
}
