using Avrr.Bot.Channels.BotService;
using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Avrr.Bot.Persistence;
using Avrr.Dialogs;


namespace Avrr.Bot.Console;

/// <summary>What the console needs to know about each channel.</summary>
internal static class CaseChannels
{
    public static ChannelCapabilities Capabilities(string channel) => channel switch
    {
        TelegramSender.ChannelName => TelegramIntake.Capabilities,
        WhatsAppSender.ChannelName => WhatsAppWebhook.Capabilities,
        // The channel behind the registration (Teams, Messenger…) is in the sealed address; this fits them all.
        BotServiceSender.ChannelName => BotServiceEndpoint.CapabilitiesOf(null),
        _ => ChannelCapabilities.WebChat,
    };
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
