namespace Avrr.Bot.Turns;

public sealed class BotOptions
{
    public const string Section = "Bot";

    /// <summary>The bot's account id in activities (<c>from.id</c> of its messages).</summary>
    public string Id { get; set; } = "avrr-bot";

    /// <summary>The display name in activities; clients may show it.</summary>
    public string Name { get; set; } = "Avrr.Bot";

    /// <summary>Test-only: <c>after_commit_before_delivery</c> kills the process right after a turn commits.</summary>
    public string? Failpoint { get; set; }
}
