using Avrr.Bot.Activities;
using Avrr.Bot.Turns;
using Avrr.Dialogs;

namespace Avrr.Bot.Tests.Infrastructure;

internal static class Inbound
{
    /// <summary>A person's text message on a test channel, as a channel would hand it to the pipeline.</summary>
    public static InboundMessage Message(string conversationId, string externalId, string text, DeliveryMode delivery = DeliveryMode.Pull, string? locale = null) => new(
        "test",
        externalId,
        conversationId,
        "user-1",
        new Activity { Type = ActivityTypes.Message, Text = text, Locale = locale, From = new ChannelAccount { Id = "user-1", Role = RoleTypes.User } },
        ChannelCapabilities.WebChat,
        delivery);
}
