using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Avrr.Bot.Activities;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.Telegram;

/// <summary>Activities to <c>sendMessage</c>: choices become an inline keyboard, long texts are split under 4096.</summary>
internal sealed class TelegramSender(TelegramClient client, IOptions<TelegramOptions> options, TimeProvider time) : IChannelSender
{
    public const string ChannelName = "telegram";
    public const int MaxText = 4096;
    private const int MaxCallbackBytes = 64;

    private readonly Pacer _pacer = new(options.Value.MessagesPerSecond, TimeSpan.FromMilliseconds(options.Value.PerChatIntervalMilliseconds), time);

    public string Channel => ChannelName;

    public async Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct)
    {
        var parts = Split(item.Activity.Text ?? "");
        string? lastId = null;
        try
        {
            for (var i = 0; i < parts.Count; i++)
            {
                await _pacer.WaitAsync(item.Address, ct);
                var request = new JsonObject { ["chat_id"] = long.Parse(item.Address, System.Globalization.CultureInfo.InvariantCulture), ["text"] = parts[i] };
                if (i == parts.Count - 1 && Keyboard(item.Activity) is { } keyboard)
                {
                    request["reply_markup"] = keyboard;
                }

                var message = await client.CallAsync("sendMessage", request, ct);
                lastId = message?["message_id"]?.ToString();
            }

            return new SendResult.Sent(lastId);
        }
        catch (ChannelApiException error)
        {
            return Classify(error, time.GetUtcNow());
        }
    }

    internal static SendResult Classify(ChannelApiException error, DateTimeOffset now) => error switch
    {
        { RetryAfter: { } wait } => new SendResult.RetryAt(now + wait, $"{error.Code}: {error.Description}"),
        _ when TelegramClient.IsBlocked(error) => new SendResult.Permanent($"{error.Code}: {error.Description}", OptOut: true),
        { Code: >= 500 } => new SendResult.Transient($"{error.Code}: {error.Description}"),
        // A wrong token is the operator's to fix: keep retrying slowly, visible on the settings page.
        { Code: 401 or 404 } => new SendResult.Transient($"{error.Code}: {error.Description} (check Channels:Telegram:Token)"),
        _ => new SendResult.Permanent($"{error.Code}: {error.Description}"),
    };

    /// <summary>One button per row, so long labels in any script stay readable on a small phone.</summary>
    internal static JsonObject? Keyboard(Activity activity)
    {
        var actions = activity.SuggestedActions?.Actions;
        if (actions is not { Count: > 0 })
        {
            return null;
        }

        var rows = new JsonArray();
        foreach (var action in actions)
        {
            var title = action.Title ?? action.Text ?? "";
            var value = action.Value is { } payload && payload.TryGetProperty("choice", out var choice) ? choice.GetString() ?? title : title;
            rows.Add(new JsonArray(new JsonObject { ["text"] = title, ["callback_data"] = CallbackData(value) }));
        }

        return new JsonObject { ["inline_keyboard"] = rows };
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
