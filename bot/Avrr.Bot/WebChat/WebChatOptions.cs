namespace Avrr.Bot.WebChat;

public sealed class WebChatOptions
{
    public const string Section = "WebChat";

    /// <summary>Where "leave quickly" goes: a neutral site that reveals nothing about this one.</summary>
    public string QuickExitUrl { get; set; } = "https://www.wikipedia.org/";

    /// <summary>Tokens the page may fetch per client address per minute (abuse protection; never 429 inside a chat).</summary>
    public int TokensPerMinutePerClient { get; set; } = 20;
}
