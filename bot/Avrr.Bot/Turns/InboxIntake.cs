using System.Text.Json;
using System.Text.Json.Serialization;
using Avrr.Bot.Activities;
using Avrr.Bot.Persistence;
using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

/// <summary>
/// Acknowledge-first intake for webhooks (Telegram, WhatsApp): the message is stored durably and deduplicated in one
/// short insert, the platform gets its 200, and <see cref="InboxWorker"/> runs the turn afterwards in order.
/// </summary>
internal sealed class InboxIntake(StoreConnections connections, IFieldProtector protector, TimeProvider time, InboxSignal signal)
{
    /// <returns>False when the message was received before (a redelivery).</returns>
    public async Task<bool> AcceptAsync(InboundMessage message, CancellationToken ct)
    {
        var envelope = new PendingEnvelope(
            message.Channel,
            message.ConversationId,
            message.ChannelAddress,
            ActivityJson.Serialize(message.Activity),
            message.Capabilities.MaxTextLength,
            message.Capabilities.MaxChoices,
            message.Capabilities.SupportsChoices,
            message.Delivery,
            message.StartParameter);
        var payload = protector.Protect(message.ConversationId, JsonSerializer.Serialize(envelope, PendingJsonContext.Default.PendingEnvelope));

        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO inbox (channel, external_id, conversation_id, received_at, status, payload) VALUES (@channel, @external_id, @conversation_id, @received_at, 1, @payload) ON CONFLICT (channel, external_id) DO NOTHING";
        command.AddParameter("channel", message.Channel);
        command.AddParameter("external_id", message.ExternalId);
        command.AddParameter("conversation_id", message.ConversationId);
        command.AddParameter("received_at", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.AddParameter("payload", payload);
        var inserted = await command.ExecuteNonQueryAsync(ct) == 1;
        if (inserted)
        {
            signal.Nudge();
        }

        return inserted;
    }

    internal static InboundMessage Restore(string externalId, PendingEnvelope envelope) => new(
        envelope.Channel,
        externalId,
        envelope.ConversationId,
        envelope.Address,
        ActivityJson.Deserialize(envelope.Activity) ?? new Activity(),
        new ChannelCapabilities(envelope.MaxTextLength, envelope.MaxChoices, envelope.SupportsChoices),
        envelope.Delivery,
        envelope.StartParameter);
}

internal sealed record PendingEnvelope(
    [property: JsonPropertyName("ch")] string Channel,
    [property: JsonPropertyName("c")] string ConversationId,
    [property: JsonPropertyName("ad")] string Address,
    [property: JsonPropertyName("a")] string Activity,
    [property: JsonPropertyName("ml")] int MaxTextLength,
    [property: JsonPropertyName("mc")] int MaxChoices,
    [property: JsonPropertyName("sc")] bool SupportsChoices,
    [property: JsonPropertyName("d")] DeliveryMode Delivery,
    [property: JsonPropertyName("sp")] string? StartParameter);

[JsonSerializable(typeof(PendingEnvelope))]
internal sealed partial class PendingJsonContext : JsonSerializerContext;

/// <summary>Wakes the inbox worker when a message was accepted.</summary>
internal sealed class InboxSignal
{
    // One pending nudge is enough: the worker drains everything pending when it wakes.
    private readonly System.Threading.Channels.Channel<bool> _signal =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    public void Nudge() => _signal.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _signal.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Timed out: look again anyway.
        }
    }
}
