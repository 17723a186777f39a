namespace Avrr.Bot.DirectLine;

public sealed class DirectLineOptions
{
    public const string Section = "Channels:DirectLine";

    /// <summary>
    /// The master secret for <c>tokens/generate</c>. When unset, one is generated on first run and kept in the
    /// database, so it survives restarts. Never sent to browsers.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>Lifetime of conversation tokens in seconds (absolute, refreshable before expiry).</summary>
    public int TokenLifetimeSeconds { get; set; } = 1800;

    /// <summary>
    /// The public base URL (e.g. <c>https://chat.example.org</c>) used to build stream URLs behind a reverse proxy.
    /// When unset, the request's own scheme and host are used.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Activities one conversation may post per minute (beyond: 429 with Retry-After); far above any person's pace.</summary>
    public int PostsPerMinutePerConversation { get; set; } = 30;

    /// <summary>Activities one client address may post per minute, over all its conversations.</summary>
    public int PostsPerMinutePerClient { get; set; } = 120;
}
