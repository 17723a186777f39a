using Avrr.Bot.Activities;
using Avrr.Bot.Turns;
using Avrr.Dialogs;

namespace Avrr.Bot.Tests.Infrastructure;

internal static class Inbound
{
    /// <summary>A person's text message on a pull test channel, as a channel would hand it to the pipeline.</summary>
    public static InboundMessage Message(string conversationId, string externalId, string text, string? locale = null) => new(
        "test",
        externalId,
        conversationId,
        Activity(text, locale),
        ChannelCapabilities.WebChat,
        DeliveryMode.Pull);

    /// <summary>A person's text message on a push test channel, from a platform address, as a webhook hands it over.</summary>
    public static PushMessage Push(string address, string externalId, string text) =>
        new("test-push", address, externalId, Activity(text, null), ChannelCapabilities.WebChat);

    private static Activity Activity(string text, string? locale) =>
        new() { Type = ActivityTypes.Message, Text = text, Locale = locale, From = new ChannelAccount { Id = "user-1", Role = RoleTypes.User } };
}
