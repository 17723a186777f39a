using Avrr.Bot.Activities;

namespace Avrr.Bot.Channels;

/// <summary>The next outgoing activity of one conversation on a push channel, as the relay hands it to its channel.</summary>
public sealed record OutboxItem(string Channel, string ConversationId, long Seq, string Address, Activity Activity, int Attempts);

/// <summary>What happened to one send; the relay turns it into the row's next state.</summary>
public abstract record SendResult
{
    /// <summary>Accepted by the platform, with its message id (for status reports).</summary>
    public sealed record Sent(string? ExternalId) : SendResult;

    /// <summary>The platform said when to try again (Telegram <c>retry_after</c>, <c>Retry-After</c>, WhatsApp throttling).</summary>
    public sealed record RetryAt(DateTimeOffset At, string Reason) : SendResult;

    /// <summary>A failure worth retrying with back-off (network, 5xx).</summary>
    public sealed record Transient(string Reason) : SendResult;

    /// <summary>Will never succeed as it is (blocked, invalid recipient); with <c>OptOut</c> the person blocked the bot.</summary>
    public sealed record Permanent(string Reason, bool OptOut = false) : SendResult;

    /// <summary>Not allowed now (WhatsApp's window is closed): kept until the person writes again.</summary>
    public sealed record Held(string Reason) : SendResult;
}

/// <summary>One push channel's sending side. Implementations translate activities and platform errors, nothing else.</summary>
public interface IChannelSender
{
    string Channel { get; }

    Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct);
}

/// <summary>The platform refused a request; <c>RetryAfter</c> when it said how long to wait.</summary>
public sealed class ChannelApiException(string channel, int status, int code, string description, TimeSpan? retryAfter) : Exception($"{channel} API error {code}: {description}")
{
    public string Channel { get; } = channel;
    public int HttpStatus { get; } = status;
    public int Code { get; } = code;
    public string Description { get; } = description;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
