using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;
using Avrr.Dialogs;

namespace Avrr.Bot.Cases;

/// <summary>What the console needs to know about each channel.</summary>
internal static class CaseChannels
{
    public static ChannelCapabilities Capabilities(string channel) => channel switch
    {
        TelegramSender.ChannelName => TelegramIntake.Capabilities,
        WhatsAppSender.ChannelName => WhatsAppWebhook.Capabilities,
        _ => ChannelCapabilities.WebChat,
    };
}

/// <summary>When the person last wrote on WhatsApp, and when a re-engagement template last went out.</summary>
public readonly record struct ContactWindow(DateTimeOffset? LastInbound, DateTimeOffset? TemplateSent)
{
    /// <summary>Free text may go out: the person wrote within the last 24 hours.</summary>
    public bool IsOpen(DateTimeOffset now) => LastInbound is { } last && now - last <= WhatsAppSender.Window;

    public DateTimeOffset? ClosesAt => LastInbound + WhatsAppSender.Window;

    /// <summary>The template already went out for this closed window; replies now wait for the person's answer.</summary>
    public bool TemplateSentSinceLastMessage => TemplateSent is { } sent && (LastInbound is not { } last || sent >= last);
}

/// <summary>The ticks the console shows for an outgoing message.</summary>
internal static class ConsoleDelivery
{
    public static string Name(DeliveryStatus status, bool push) => status switch
    {
        DeliveryStatus.None => push ? "queued" : "sent",
        DeliveryStatus.Pending or DeliveryStatus.Sending => "queued",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Read => "read",
        DeliveryStatus.Held => "held",
        DeliveryStatus.Failed => "failed",
        _ => "queued",
    };
}
