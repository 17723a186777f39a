using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Bot.Cases;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

internal sealed partial class TurnPipeline
{
    /// <summary>
    /// The case side of a turn: a hand-off opens a case (or escalates the open one: one case per conversation), and a
    /// message on an open case tells the console the person is waiting for an answer.
    /// </summary>
    /// <returns>The reference of the case the console must refresh, if any.</returns>
    private async Task<string?> WriteCaseAsync(TurnSession session, InboundMessage message, OpenCase? openCase, HandoffRequested? handoff, string? newReference, string? language, PersonKey key, bool personWrote, long now, CancellationToken ct)
    {
        if (openCase is not null && personWrote)
        {
            await session.TouchCaseAsync(openCase.Id, language, now, ct);
        }

        if (handoff is null)
        {
            return openCase is not null && personWrote ? openCase.Reference : null;
        }

        var summary = key.Seal(SealedField.HandoffSummary, 0, handoff.CaseSummaryJson);
        if (openCase is not null)
        {
            await session.EscalateCaseAsync(openCase.Id, (int)handoff.Urgency, summary, now, ct);
            if ((int)handoff.Urgency > openCase.Urgency || handoff.Urgency == HandoffUrgency.Urgent)
            {
                await session.CaseEventAsync(openCase.Id, "bot", "escalated", $"{handoff.Urgency}: {handoff.Reason}", now, ct);
            }

            Log.Escalated(_logger, message.Channel, handoff.Urgency);
            return openCase.Reference;
        }

        var programme = CaseSummaryFields.Programme(handoff.CaseSummaryJson);
        var id = await session.OpenCaseAsync(message.ConversationId, newReference!, message.Channel, language, programme, (int)handoff.Urgency, handoff.Reason, summary, now, ct);
        if (id is not { } caseId)
        {
            return null;
        }

        await session.CaseEventAsync(caseId, "bot", "opened", $"{handoff.Urgency}: {handoff.Reason}", now, ct);
        if (_webhook)
        {
            await session.QueueWebhookAsync(caseId, CaseWebhookEvents.Opened, now, ct);
        }

        Log.HandoffRequested(_logger, message.Channel, handoff.Urgency);
        return newReference;
    }

    /// <summary>
    /// The <c>handoff.initiate</c> event for a channel with an agent hub: routing facts only (reference, urgency,
    /// language, programme); the channel adds the transcript when it sends it.
    /// </summary>
    private static StoredActivity HandoffEvent(string conversationId, long seq, string reference, HandoffRequested handoff, string? language, DateTimeOffset now)
    {
        var value = JsonSerializer.SerializeToElement(new Dictionary<string, string?>
        {
            ["caseReference"] = reference,
            ["urgency"] = handoff.Urgency.ToString(),
            ["language"] = language,
            ["programme"] = CaseSummaryFields.Programme(handoff.CaseSummaryJson),
        });
        var activity = new Activity
        {
            Type = ActivityTypes.Event,
            Name = HandoffEvents.Initiate,
            Id = StoredActivity.IdFor(conversationId, seq),
            Timestamp = now,
            Conversation = new ConversationAccount { Id = conversationId },
            Value = value,
        };
        return new StoredActivity(conversationId, seq, ActivityDirection.Out, activity);
    }
}
