using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Avrr.Bot.Activities;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.ReplyMarkups;

namespace Avrr.Bot.Channels.Telegram;

/// <summary>Activities to <c>sendMessage</c>: choices become an inline keyboard, long texts are split under 4096.</summary>
internal sealed class TelegramSender(ITelegramBotClient client, IOptions<TelegramOptions> options, TimeProvider time) : IChannelSender
{
    public const string ChannelName = "telegram";
    public const int MaxText = 4096;
    private const int MaxCallbackBytes = 64;

    private readonly Pacer _pacer = new(options.Value.MessagesPerSecond, TimeSpan.FromMilliseconds(options.Value.PerChatIntervalMilliseconds), time);

    public string Channel => ChannelName;

    public async Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct)
    {
        var parts = Split(item.Activity.Text ?? "");
        var chatId = long.Parse(item.Address, CultureInfo.InvariantCulture);
        string? lastId = null;
        try
        {
            for (var i = 0; i < parts.Count; i++)
            {
                await _pacer.WaitAsync(item.Address, ct);
                var keyboard = i == parts.Count - 1 ? Keyboard(item.Activity) : null;
                var message = await client.SendMessage(chatId, parts[i], replyMarkup: keyboard, cancellationToken: ct);
                lastId = message.Id.ToString(CultureInfo.InvariantCulture);
            }

            return new SendResult.Sent(lastId);
        }
        catch (ApiRequestException error)
        {
            return Classify(error, time.GetUtcNow());
        }
        catch (RequestException error) when (!ct.IsCancellationRequested)
        {
            // The library's own word for a request that got no answer (network, timeout, unreadable body).
            return new SendResult.Transient(Describe(error));
        }
    }

    internal static SendResult Classify(ApiRequestException error, DateTimeOffset now) => error switch
    {
        { Parameters.RetryAfter: { } seconds } => new SendResult.RetryAt(now + TimeSpan.FromSeconds(seconds), Describe(error)),
        _ when IsBlocked(error) => new SendResult.Permanent(Describe(error), OptOut: true),
        { ErrorCode: >= 500 } => new SendResult.Transient(Describe(error)),
        // A wrong token is the operator's to fix: keep retrying slowly, visible on the settings page.
        { ErrorCode: 401 or 404 } => new SendResult.Transient($"{Describe(error)} (check Channels:Telegram:Token)"),
        _ => new SendResult.Permanent(Describe(error)),
    };

    internal static string Describe(ApiRequestException error) => $"{error.ErrorCode}: {error.Message}";

    /// <summary>
    /// What an operator can act on, never a token: the platform's answer, or the cause the library wrapped
    /// ("HttpRequestException" for a refused connection, a timeout, an open breaker).
    /// </summary>
    internal static string Describe(Exception error) => error switch
    {
        ApiRequestException api => Describe(api),
        RequestException { InnerException: { } cause } => cause.GetType().Name,
        _ => error.GetType().Name,
    };

    /// <summary>The person blocked the bot or deleted their account: Telegram's 403 descriptions say which.</summary>
    internal static bool IsBlocked(ApiRequestException error) =>
        error.ErrorCode == (int)HttpStatusCode.Forbidden
        && (error.Message.Contains("blocked", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("deactivated", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("kicked", StringComparison.OrdinalIgnoreCase));

    /// <summary>One button per row, so long labels in any script stay readable on a small phone.</summary>
    internal static InlineKeyboardMarkup? Keyboard(Activity activity)
    {
        var actions = activity.SuggestedActions?.Actions;
        if (actions is not { Count: > 0 })
        {
            return null;
        }

        var rows = new List<InlineKeyboardButton[]>(actions.Count);
        foreach (var action in actions)
        {
            var title = action.Title ?? action.Text ?? "";
            var value = action.Value is { } payload && payload.TryGetProperty("choice", out var choice) ? choice.GetString() ?? title : title;
            rows.Add([InlineKeyboardButton.WithCallbackData(title, CallbackData(value))]);
        }

        return new InlineKeyboardMarkup(rows);
    }

    /// <summary>
    /// The choice's value when it fits Telegram's 64 bytes; otherwise a hash, and the press is matched by the button's
    /// title, which Telegram sends back with the keyboard.
    /// </summary>
    internal static string CallbackData(string value) =>
        Encoding.UTF8.GetByteCount(value) <= MaxCallbackBytes ? value : "h:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    internal static List<string> Split(string text)
    {
        var parts = new List<string>();
        var rest = text.Length == 0 ? " " : text;
        while (rest.Length > MaxText)
        {
            var cut = rest.LastIndexOf('\n', MaxText - 1);
            if (cut < MaxText / 2)
            {
                cut = rest.LastIndexOf(' ', MaxText - 1);
            }

            if (cut < MaxText / 2)
            {
                cut = MaxText;
            }

            parts.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }

        parts.Add(rest);
        return parts;
    }
}
