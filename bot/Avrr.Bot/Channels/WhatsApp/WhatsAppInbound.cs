namespace Avrr.Bot.Channels.WhatsApp;

/// <summary>
/// One message a person sent on WhatsApp: their WhatsApp id, the message id (the dedupe key), the text the dialog
/// sees, a pressed button's value, and when it was sent (null when the notification did not say).
/// </summary>
public sealed record WhatsAppInbound(string WaId, string Wamid, string? Text, string? Choice, DateTimeOffset? SentAt);
