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
        switch (TelegramUpdate.Read(update))
        {
            case TelegramUpdate.Inbound inbound:
                var activity = NewActivity(inbound.Text, inbound.Locale);
                if (inbound.Choice is not null)
                {
                    activity.Value = ActivityJson.ChoicePayload(inbound.Choice);
                }

                var accepted = await AcceptAsync(inbound.ChatId, inbound.ExternalId, activity, inbound.Start, ct);
                if (inbound.Press is { } press)
                {
                    // Answer even a duplicate: the person's client shows a spinner until the query is answered.
                    _ = BestEffortAsync("answerCallbackQuery", token => client.AnswerCallbackQuery(press.QueryId, cancellationToken: token));
                    if (accepted && press.MessageId != 0 && press.HadKeyboard)
                    {
                        // The keyboard has been used: remove it, so an old question is not answered twice by accident.
                        _ = BestEffortAsync("editMessageReplyMarkup", token => client.EditMessageReplyMarkup(inbound.ChatId, press.MessageId, InlineKeyboardMarkup.Empty(), cancellationToken: token));
                    }
                }

                return accepted;
            case TelegramUpdate.Blocked blocked:
                // The person blocked the bot: stop now rather than at the next failed send.
                await outbox.OptOutAddressAsync(TelegramSender.ChannelName, Address(blocked.ChatId), "the person blocked the bot", ct);
                return false;
            case TelegramUpdate.Malformed:
                return null;
            default:
                return false;
        }
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
