namespace Avrr.Bot.Turns;

/// <summary>When the person last wrote on WhatsApp, and when a re-engagement template last went out.</summary>
public readonly record struct ContactWindow(DateTimeOffset? LastInbound, DateTimeOffset? TemplateSent)
{
    /// <summary>WhatsApp's customer service window: free text only within 24 hours of the person's last message.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    /// <summary>Free text may go out: the person wrote within the last 24 hours.</summary>
    public bool IsOpen(DateTimeOffset now) => LastInbound is { } last && now - last <= Length;

    public DateTimeOffset? ClosesAt => LastInbound + Length;

    /// <summary>The template already went out for this closed window; replies now wait for the person's answer.</summary>
    public bool TemplateSentSinceLastMessage => TemplateSent is { } sent && (LastInbound is not { } last || sent >= last);
}
