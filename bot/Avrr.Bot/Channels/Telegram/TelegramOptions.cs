namespace Avrr.Bot.Channels.Telegram;

public enum TelegramMode { Polling, Webhook }

/// <summary><c>Channels:Telegram:*</c>. The channel is on when <c>Token</c> is set.</summary>
public sealed class TelegramOptions
{
    public const string Section = "Channels:Telegram";

    /// <summary>The bot token from BotFather. A secret: never logged or shown.</summary>
    public string? Token { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    public TelegramMode Mode { get; set; } = TelegramMode.Polling;

    /// <summary>Checked against <c>X-Telegram-Bot-Api-Secret-Token</c> on every webhook call (1–256 of A-Z a-z 0-9 _ -).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The public HTTPS base of this host; the webhook is <c>{PublicUrl}/channels/telegram</c>.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Long-polling timeout (Telegram clamps it to 50).</summary>
    public int PollTimeoutSeconds { get; set; } = 30;

    /// <summary>Overall sending rate (Telegram: about 30 per second).</summary>
    public double MessagesPerSecond { get; set; } = 25;

    /// <summary>Minimum time between two messages to one chat (Telegram: about one per second).</summary>
    public int PerChatIntervalMilliseconds { get; set; } = 1000;

    public bool Enabled => !string.IsNullOrWhiteSpace(Token);
}
