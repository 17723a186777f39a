using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

/// <summary>Builds the bot's outgoing activities from dialog replies, the same shape for every channel.</summary>
internal static class ActivityFactory
{
    private static readonly JsonElement RtlChannelData = JsonDocument.Parse("""{"avrr":{"dir":"rtl"}}""").RootElement.Clone();
    private static readonly JsonElement LtrChannelData = JsonDocument.Parse("""{"avrr":{"dir":"ltr"}}""").RootElement.Clone();

    public static Activity FromReply(Reply reply, Activity inbound, string conversationId, long seq, DateTimeOffset timestamp, BotOptions bot)
    {
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Id = StoredActivity.IdFor(conversationId, seq),
            Timestamp = timestamp,
            ChannelId = inbound.ChannelId,
            From = new ChannelAccount { Id = bot.Id, Name = bot.Name, Role = RoleTypes.Bot },
            Recipient = inbound.From is null ? null : new ChannelAccount { Id = inbound.From.Id, Name = inbound.From.Name, Role = RoleTypes.User },
            Conversation = new ConversationAccount { Id = conversationId },
            Text = reply.Text,
            TextFormat = "plain",
            Locale = reply.Language,
            // Only point at activities the client has seen: Web Chat holds a reply for 5 s otherwise (the Direct Line 3.0 API reference).
            ReplyToId = inbound.Type == ActivityTypes.Message ? inbound.Id : null,
            ChannelData = reply.RightToLeft ? RtlChannelData : LtrChannelData,
        };

        if (reply.Choices.Count > 0)
        {
            activity.InputHint = "expectingInput";
            activity.SuggestedActions = new SuggestedActions
            {
                Actions = reply.Choices.Select(c => new CardAction
                {
                    // messageBack shows the title as the person's message and carries the machine value beside it.
                    Type = "messageBack",
                    Title = c.Title,
                    Text = c.Title,
                    DisplayText = c.Title,
                    Value = ActivityJson.ChoicePayload(c.Value),
                }).ToList(),
            };
        }

        return activity;
    }
}
