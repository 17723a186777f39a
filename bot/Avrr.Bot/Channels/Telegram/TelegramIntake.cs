using System.Globalization;
using System.Text.Json.Nodes;
using Avrr.Bot.Activities;
using Avrr.Bot.Turns;
using Avrr.Dialogs;

namespace Avrr.Bot.Channels.Telegram;

/// <summary>
/// One Telegram update into the durable inbox (deduplicated by chat and message id, or callback id), answered fast;
/// the turn runs afterwards. Callback queries are always answered, and typing is shown while the turn runs.
/// </summary>
internal sealed partial class TelegramIntake(InboxIntake inbox, OutboxStore outbox, TelegramClient client, ChannelStatus status, TimeProvider time, ILogger<TelegramIntake> logger)
{
    /// <summary>Telegram's limits as the dialog shapes replies: 4096 characters, an inline keyboard (one button per row).</summary>
    public static ChannelCapabilities Capabilities { get; } = new(TelegramSender.MaxText, 24, true);

    /// <returns>
    /// True when a new message was stored; false for a duplicate or an update not for the bot (group chats, edits,
    /// other kinds); null when a message or button press is malformed (the webhook answers 400).
    /// </returns>
    public async Task<bool?> AcceptAsync(JsonNode update, CancellationToken ct)
    {
        if (update["message"] is JsonObject message)
        {
            return await AcceptMessageAsync(message, ct);
        }

        if (update["callback_query"] is JsonObject callback)
        {
            return await AcceptCallbackAsync(callback, ct);
        }

        if (update["my_chat_member"].Get("new_chat_member").Get("status").AsString() == "kicked"
            && update["my_chat_member"].Get("chat").Get("id").AsLong() is { } blockedBy)
        {
            // The person blocked the bot: stop now rather than at the next failed send.
            await outbox.OptOutAddressAsync(TelegramSender.ChannelName, Address(blockedBy), "the person blocked the bot", ct);
        }

        return false;
    }

    private async Task<bool?> AcceptMessageAsync(JsonObject message, CancellationToken ct)
    {
        if (message["chat"].Get("type").AsString() != "private")
        {
            return false;
        }

        if (message["chat"].Get("id").AsLong() is not { } chatId || message["message_id"].AsLong() is not { } messageId)
        {
            return null;
        }

        // Photos, voice notes, stickers: a placeholder the dialog answers, rather than silence.
        var text = message["text"].AsString() ?? "[" + (message.Select(p => p.Key).FirstOrDefault(k => k is "photo" or "voice" or "audio" or "video" or "document" or "sticker" or "location" or "contact") ?? "message") + "]";
        string? start = null;
        if (text is not null && (text == "/start" || text.StartsWith("/start ", StringComparison.Ordinal)))
        {
            // A deep link (t.me/<bot>?start=<parameter>, e.g. a counselling centre's QR code) arrives as "/start <parameter>".
            start = text.Length > 7 ? text[7..].Trim() : null;
            text = null;
        }

        var activity = NewActivity(text, message["from"].Get("language_code").AsString());
        var id = $"m:{Address(chatId)}:{messageId.ToString(CultureInfo.InvariantCulture)}";
        return await AcceptAsync(chatId, id, activity, start, ct);
    }

    private async Task<bool?> AcceptCallbackAsync(JsonObject callback, CancellationToken ct)
    {
        var queryId = callback["id"].AsString();
        if (callback["message"] is not JsonObject original || original["chat"].Get("id").AsLong() is not { } chatId || queryId is null)
        {
            return null;
        }

        var data = callback["data"].AsString() ?? "";
        // The pressed button's title comes back with the keyboard; a hashed value is matched by that title alone.
        var title = original["reply_markup"].Get("inline_keyboard").AsArrayOrEmpty().SelectMany(row => row.AsArrayOrEmpty())
            .FirstOrDefault(button => button.Get("callback_data").AsString() == data).Get("text").AsString();
        var activity = NewActivity(title ?? data, callback["from"].Get("language_code").AsString());
        if (!data.StartsWith("h:", StringComparison.Ordinal))
        {
            activity.Value = ActivityJson.ChoicePayload(data);
        }

        var accepted = await AcceptAsync(chatId, "cb:" + queryId, activity, null, ct);
        // Answer even a duplicate: the person's client shows a spinner until the query is answered.
        _ = BestEffortAsync("answerCallbackQuery", new JsonObject { ["callback_query_id"] = queryId });
        if (accepted && original["message_id"].AsLong() is { } messageId && original["reply_markup"] is not null)
        {
            // The keyboard has been used: remove it, so an old question is not answered twice by accident.
            _ = BestEffortAsync("editMessageReplyMarkup", new JsonObject { ["chat_id"] = chatId, ["message_id"] = messageId, ["reply_markup"] = new JsonObject { ["inline_keyboard"] = new JsonArray() } });
        }

        return accepted;
    }

    private async Task<bool> AcceptAsync(long chatId, string externalId, Activity activity, string? start, CancellationToken ct)
    {
        var accepted = await inbox.AcceptAsync(new PushMessage(TelegramSender.ChannelName, Address(chatId), externalId, activity, Capabilities, start), ct);
        if (accepted.IsNew)
        {
            _ = BestEffortAsync("sendChatAction", new JsonObject { ["chat_id"] = chatId, ["action"] = "typing" });
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

    private async Task BestEffortAsync(string method, JsonObject parameters)
    {
        try
        {
            await client.CallAsync(method, parameters, TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception ex) when (ex is ChannelApiException or HttpRequestException or TaskCanceledException)
        {
            status.Error(TelegramSender.ChannelName, $"{method}: {(ex as ChannelApiException)?.Description ?? ex.GetType().Name}", time.GetUtcNow());
            Log.BestEffortFailed(logger, method, (ex as ChannelApiException)?.Code ?? 0);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Telegram {Method} failed with {Code}")]
        public static partial void BestEffortFailed(ILogger logger, string method, int code);
    }
}
