namespace Avrr.Bot.Persistence;

// Times are Unix milliseconds (UTC) so the hand-written turn SQL is identical on SQLite and PostgreSQL.

/// <summary>
/// Who may speak in a conversation: the bot posts only while it is the owner. Queued and Counsellor exist only while the
/// conversation has an open case; closing or handing back makes the bot the owner again.
/// </summary>
public enum ConversationOwner { Bot = 0, Queued = 1, Counsellor = 2 }

public sealed class ConversationRecord
{
    /// <summary>Random (128 bits) on every channel: it reveals nothing about the person or their platform account.</summary>
    public required string Id { get; set; }
    public required string Channel { get; set; }
    /// <summary>Where replies go on a push channel (Telegram chat id, WhatsApp wa_id), sealed with the person's key.</summary>
    public byte[]? ChannelAddress { get; set; }
    /// <summary>A keyed hash of the platform address (Privacy/BlindIndex): how a new message finds its conversation.</summary>
    public string? AddressHash { get; set; }
    /// <summary>The person's data key, wrapped by the master key. Erasure replaces or deletes it (crypto-shredding).</summary>
    public byte[]? DataKey { get; set; }
    /// <summary>Dialog state JSON, sealed with the person's key.</summary>
    public byte[]? State { get; set; }
    public long Version { get; set; }
    /// <summary>The sequence number the next transcript entry gets; also the Direct Line watermark source.</summary>
    public long NextSeq { get; set; }
    public ConversationOwner Owner { get; set; }
    public bool OptedOut { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    /// <summary>Set when the person's data was erased on a push channel: the row lives only until the receipt is delivered.</summary>
    public long? ErasedAt { get; set; }
}

/// <summary>Failed: the message could not be processed (kept for operators; its turn did not run).</summary>
public enum InboxStatus { Processed = 0, Pending = 1, Failed = 2 }

/// <summary>One inbound message per channel message id; the unique index is the durable dedupe.</summary>
public sealed class InboxRecord
{
    public long Id { get; set; }
    public required string Channel { get; set; }
    /// <summary>A keyed hash of the platform's message id (Privacy/BlindIndex): the dedupe key.</summary>
    public required string ExternalId { get; set; }
    public required string ConversationId { get; set; }
    public long ReceivedAt { get; set; }
    public InboxStatus Status { get; set; }
    /// <summary>The normalised activity, sealed, kept only while the message waits to be processed.</summary>
    public byte[]? Payload { get; set; }
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
    /// <summary>The activity JSON, sealed with the person's key.</summary>
    public required byte[] Payload { get; set; }
    public long CreatedAt { get; set; }
    /// <summary>Set on a conversation without consent: the row is kept only until delivered, at the latest until then.</summary>
    public long? ExpiresAt { get; set; }
    public DeliveryStatus Delivery { get; set; }
    public int Attempts { get; set; }
    public long? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>A keyed hash of the platform's id for the sent message (status reports find it by this).</summary>
    public string? ExternalMessageId { get; set; }
}

/// <summary>Values the host generates once and must keep (e.g. the Direct Line secret when none is configured).</summary>
public sealed class HostSettingRecord
{
    public required string Key { get; set; }
    public required string Value { get; set; }
}
