using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>A message the bot sent with <c>sendMessage</c>, as the person sees it.</summary>
/// <param name="ChatId">The chat it went to.</param>
/// <param name="MessageId">The <c>message_id</c> the fake returned (one counter per chat, shared with the person's messages).</param>
/// <param name="Text">The text after <c>parse_mode</c> parsing and Telegram's trimming: what the person reads.</param>
/// <param name="ReplyMarkup">The <c>reply_markup</c> exactly as the bot sent it (any keyboard type), or null.</param>
/// <param name="At">When the fake accepted it, from its <see cref="TimeProvider"/>.</param>
public sealed record TelegramSent(long ChatId, long MessageId, string Text, JsonNode? ReplyMarkup, DateTimeOffset At)
{
    /// <summary>The <c>text</c> parameter before parsing, so tests can check escaping.</summary>
    public string RawText { get; init; } = "";

    /// <summary>The <c>parse_mode</c> parameter as sent, or null.</summary>
    public string? ParseMode { get; init; }

    /// <summary>The <c>entities</c> Telegram returned for the message (from <c>parse_mode</c> or explicit), or null.</summary>
    public JsonArray? Entities { get; init; }
}

/// <summary>One call the bot made (including failed ones), in the order the answers were given.</summary>
/// <param name="Method">The method name as it appeared in the path (or the path itself when it named no method).</param>
/// <param name="Body">The JSON body as received; for form or query-string calls, the parameters as a JSON object of strings.</param>
/// <param name="Status">The HTTP status the fake answered; 499 when the bot hung up before a long poll ended.</param>
/// <param name="At">When the call arrived, from the fake's <see cref="TimeProvider"/>.</param>
public sealed record TelegramRequest(string Method, string Body, int Status, DateTimeOffset At)
{
    /// <summary>The whole response body the fake sent.</summary>
    public string Response { get; init; } = "";

    /// <summary>True when the call came from a webhook response body (<c>{"method":...}</c>), not over HTTP.</summary>
    public bool FromWebhookResponse { get; init; }
}

/// <summary>One attempt to POST an update to the bot's webhook.</summary>
/// <param name="UpdateId">The update that was posted.</param>
/// <param name="Url">The webhook URL it went to.</param>
/// <param name="Status">The HTTP status the webhook answered, or 0 when there was no answer.</param>
/// <param name="Error">The <c>last_error_message</c> this attempt produced, or null when it was acknowledged.</param>
/// <param name="Attempt">1 for the first try, 2 for the first retry, and so on.</param>
/// <param name="At">When the attempt ended, from the fake's <see cref="TimeProvider"/>.</param>
public sealed record TelegramWebhookDelivery(long UpdateId, string Url, int Status, string? Error, int Attempt, DateTimeOffset At);

/// <summary>A successful <c>editMessageReplyMarkup</c>.</summary>
/// <param name="ChatId">The chat of the edited message.</param>
/// <param name="MessageId">The edited message.</param>
/// <param name="ReplyMarkup">The new inline keyboard as Telegram stores it, or null when the keyboard was removed.</param>
/// <param name="At">When the edit was accepted.</param>
public sealed record TelegramEdit(long ChatId, long MessageId, JsonNode? ReplyMarkup, DateTimeOffset At);

/// <summary>A successful <c>answerCallbackQuery</c>.</summary>
/// <param name="CallbackQueryId">The query answered.</param>
/// <param name="Text">The notification text, or null.</param>
/// <param name="ShowAlert">Whether an alert was asked for.</param>
/// <param name="At">When the answer was accepted.</param>
public sealed record TelegramCallbackAnswer(string CallbackQueryId, string? Text, bool ShowAlert, DateTimeOffset At);
