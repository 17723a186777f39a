namespace Avrr.Bot.Persistence;

// Times are Unix milliseconds (UTC) so the hand-written turn SQL is identical on SQLite and PostgreSQL.

/// <summary>Who may speak in a conversation. The bot posts only while it is the owner (avrr-domain.md §8.1).</summary>
public enum ConversationOwner { Bot = 0, Queued = 1, Counsellor = 2, Closed = 3 }

public sealed class ConversationRecord
{
    public required string Id { get; set; }
    public required string Channel { get; set; }
    /// <summary>The chat's id on its channel (Telegram chat id, WhatsApp wa_id, Direct Line user id).</summary>
    public required string ChannelAddress { get; set; }
    /// <summary>Dialog state JSON, written through <see cref="IFieldProtector"/>.</summary>
    public string? State { get; set; }
    public long Version { get; set; }
    /// <summary>The sequence number the next transcript entry gets; also the Direct Line watermark source.</summary>
    public long NextSeq { get; set; }
    public ConversationOwner Owner { get; set; }
    public bool OptedOut { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>Failed: the message could not be processed (kept for operators; its turn did not run).</summary>
public enum InboxStatus { Processed = 0, Pending = 1, Failed = 2 }

/// <summary>One inbound message per channel message id; the unique index is the durable dedupe.</summary>
public sealed class InboxRecord
{
    public long Id { get; set; }
    public required string Channel { get; set; }
    public required string ExternalId { get; set; }
    public required string ConversationId { get; set; }
    public long ReceivedAt { get; set; }
    public InboxStatus Status { get; set; }
    /// <summary>The normalised activity, kept only while the message waits to be processed.</summary>
    public string? Payload { get; set; }
}

public enum ActivityDirection { In = 0, Out = 1 }

/// <summary>
/// Where an outgoing activity of a push channel is. Held: WhatsApp's 24-hour window is closed, so it waits until
/// the person writes again. Delivered and Read come from the platform's status reports.
/// </summary>
public enum DeliveryStatus { None = 0, Pending = 1, Sending = 2, Sent = 3, Failed = 4, Held = 5, Delivered = 6, Read = 7 }

/// <summary>
/// The transcript and the outbox in one table: every activity of a conversation in order. Outbound rows of
/// push channels (Telegram, WhatsApp) carry a delivery status that the relay advances.
/// </summary>
public sealed class ActivityRecord
{
    public required string ConversationId { get; set; }
    public long Seq { get; set; }
    public ActivityDirection Direction { get; set; }
    /// <summary>The activity JSON, written through <see cref="IFieldProtector"/>.</summary>
    public required string Payload { get; set; }
    public long CreatedAt { get; set; }
    public DeliveryStatus Delivery { get; set; }
    public int Attempts { get; set; }
    public long? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public string? ExternalMessageId { get; set; }
}

public enum HandoffStatus { Open = 0, Claimed = 1, Closed = 2 }

public sealed class HandoffRequestRecord
{
    public long Id { get; set; }
    public required string ConversationId { get; set; }
    public int Urgency { get; set; }
    public required string Reason { get; set; }
    /// <summary>The case summary JSON, written through <see cref="IFieldProtector"/>.</summary>
    public required string CaseSummary { get; set; }
    public HandoffStatus Status { get; set; }
    public long CreatedAt { get; set; }
}

/// <summary>Values the host generates once and must keep (e.g. the Direct Line secret when none is configured).</summary>
public sealed class HostSettingRecord
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
