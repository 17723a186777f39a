namespace Avrr.Bot.Channels.WhatsApp;

/// <summary><c>Channels:WhatsApp:*</c>. The channel is on when the access token, phone number id and app secret are set.</summary>
public sealed class WhatsAppOptions
{
    public const string Section = "Channels:WhatsApp";

    /// <summary>A system user's access token. A secret: never logged or shown.</summary>
    public string? AccessToken { get; set; }

    public string? PhoneNumberId { get; set; }

    /// <summary>The app secret that signs webhooks (X-Hub-Signature-256). A secret.</summary>
    public string? AppSecret { get; set; }

    /// <summary>What Meta must send in <c>hub.verify_token</c> when the webhook is registered. A secret.</summary>
    public string? VerifyToken { get; set; }

    public string GraphApiBaseUrl { get; set; } = "https://graph.facebook.com/v23.0";

    /// <summary>
    /// The approved re-engagement template per language (key: the bot's language code, or <c>default</c>), sent when the
    /// 24-hour window is closed; the held messages follow when the person answers.
    /// </summary>
    public Dictionary<string, WhatsAppTemplate> Templates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sends per second for the number (Cloud API: 80 by default).</summary>
    public double MessagesPerSecond { get; set; } = 60;

    /// <summary>Minimum time between two messages to one person (pair rate limit; Meta tolerates short bursts).</summary>
    public int PerRecipientIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Messages older than this when they arrive (a replay after an outage) are recorded but get no turn.</summary>
    public int MaxMessageAgeHours { get; set; } = 24;

    public bool Enabled => !string.IsNullOrWhiteSpace(AccessToken) && !string.IsNullOrWhiteSpace(PhoneNumberId) && !string.IsNullOrWhiteSpace(AppSecret);
}

/// <summary>A template approved in WhatsApp Manager: its name and language code (e.g. <c>en_US</c>, <c>ar</c>).</summary>
public sealed class WhatsAppTemplate
{
    public string Name { get; set; } = "";
    public string LanguageCode { get; set; } = "en";
}
