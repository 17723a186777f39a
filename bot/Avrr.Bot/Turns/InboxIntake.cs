using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Avrr.Bot.Activities;
using Avrr.Bot.Changes;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

/// <summary>A message as a webhook channel hands it over, before it has a conversation.</summary>
/// <param name="Address">The platform address (Telegram chat id, WhatsApp wa_id): sealed and hashed, never stored as is.</param>
/// <param name="ExternalId">The platform's id for this message: the dedupe key, stored only as a keyed hash.</param>
internal sealed record PushMessage(string Channel, string Address, string ExternalId, Activity Activity, ChannelCapabilities Capabilities, string? StartParameter = null)
{
    /// <summary>
    /// When the person wrote, on a channel with a reply window (WhatsApp): recorded in the same transaction as the
    /// message, so the reply to it can never be sent as if the window were still closed.
    /// </summary>
    public DateTimeOffset? WindowOpenedAt { get; init; }

    /// <summary>
    /// What finds the conversation when the address carries more than the identity (a Bot Service conversation
    /// reference, whose service URL can change): its hash is the lookup key, and the address is resealed each time.
    /// </summary>
    public string? AddressKey { get; init; }
}

/// <summary>Whether the message was new, and the conversation it belongs to.</summary>
internal readonly record struct Accepted(bool IsNew, string ConversationId);

/// <summary>
/// Acknowledge-first intake for webhooks (Telegram, WhatsApp): the person's conversation is found by the keyed hash
/// of their address (or created, with their data key), and the message is stored sealed and deduplicated in one short
/// unit of the store's writer (which shares commits between concurrent webhooks); the platform gets its 200, and <see cref="InboxWorker"/> runs the turn afterwards in order.
/// </summary>
internal sealed class InboxIntake(StoreWriter writer, ConversationDirectory directory, BlindIndex index, KeyRing keys, TimeProvider time, InboxSignal signal, ChangeFeed changes, Telemetry telemetry)
{
    public async Task<Accepted> AcceptAsync(PushMessage message, CancellationToken ct)
    {
        using var span = Telemetry.Traces.StartActivity("avrr.webhook");
        span?.SetTag("avrr.channel", message.Channel);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var dedupe = index.Hash(message.Channel, message.ExternalId);
        // Everything that does not need the conversation is done before taking the writer, which other webhooks wait for.
        var envelope = JsonSerializer.SerializeToUtf8Bytes(
            new PendingEnvelope(ActivityJson.Serialize(message.Activity), message.Capabilities.MaxTextLength, message.Capabilities.MaxChoices, message.Capabilities.SupportsChoices, message.StartParameter),
            PendingJsonContext.Default.PendingEnvelope);
        var (inserted, released, conversationId) = await writer.RunAsync(async (connection, transaction, token) =>
        {
            var (conversationId, wrappedKey) = await directory.ResolveAsync(connection, transaction, message.Channel, message.AddressKey ?? message.Address, message.Address, now, token);
            byte[] payload;
            using (var key = keys.OpenPersonKey(conversationId, wrappedKey))
            {
                payload = key.Seal(SealedField.InboxPayload, SealedRows.InboxPayload(dedupe), envelope);
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO inbox (channel, external_id, conversation_id, received_at, status, payload) VALUES (@channel, @external_id, @conversation_id, @received_at, {(int)InboxStatus.Pending}, @payload) ON CONFLICT (channel, external_id) DO NOTHING";
            command.AddParameter("channel", message.Channel);
            command.AddParameter("external_id", dedupe);
            command.AddParameter("conversation_id", conversationId);
            command.AddParameter("received_at", now);
            command.AddParameter("payload", payload);
            var inserted = await command.ExecuteNonQueryAsync(token) == 1;
            var released = message.WindowOpenedAt is { } opened && await OpenWindowAsync(connection, transaction, message.Channel, conversationId, opened, now, token);
            return (inserted, released, conversationId);
        }, ct);

        // Durable now: the platform may have its 200.
        span?.SetTag("avrr.new", inserted);
        telemetry.Webhook(message.Channel, inserted);
        if (inserted)
        {
            signal.Nudge();
        }

        if (released)
        {
            // Replies held for this window are due now, on whichever instance relays them.
            await changes.PublishAsync(new Change(conversationId, -1, PushDeliveries: true), ct);
        }

        return new Accepted(inserted, conversationId);
    }

    /// <returns>True when replies held for the window became due.</returns>
    private static async Task<bool> OpenWindowAsync(DbConnection connection, DbTransaction transaction, string channel, string conversationId, DateTimeOffset at, long now, CancellationToken ct)
    {
        await using (var contact = connection.CreateCommand())
        {
            contact.Transaction = transaction;
            contact.CommandText = """
                INSERT INTO channel_contacts (conversation_id, channel, last_inbound_at) VALUES (@c, @ch, @at)
                ON CONFLICT (conversation_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at
                WHERE excluded.last_inbound_at > channel_contacts.last_inbound_at
                """;
            contact.AddParameter("c", conversationId);
            contact.AddParameter("ch", channel);
            contact.AddParameter("at", at.ToUnixTimeMilliseconds());
            await contact.ExecuteNonQueryAsync(ct);
        }

        await using var release = connection.CreateCommand();
        release.Transaction = transaction;
        release.CommandText = $"UPDATE activities SET delivery = {(int)DeliveryStatus.Pending}, next_attempt_at = @now WHERE conversation_id = @c AND delivery = {(int)DeliveryStatus.Held}";
        release.AddParameter("now", now);
        release.AddParameter("c", conversationId);
        return await release.ExecuteNonQueryAsync(ct) > 0;
    }


    internal static InboundMessage Restore(string channel, string externalIdHash, string conversationId, PendingEnvelope envelope) => new(
        channel,
        externalIdHash,
        conversationId,
        ActivityJson.Deserialize(envelope.Activity) ?? new Activity(),
        new ChannelCapabilities(envelope.MaxTextLength, envelope.MaxChoices, envelope.SupportsChoices),
        DeliveryMode.Push,
        envelope.StartParameter);
}

internal sealed record PendingEnvelope(
    [property: JsonPropertyName("a")] string Activity,
    [property: JsonPropertyName("ml")] int MaxTextLength,
    [property: JsonPropertyName("mc")] int MaxChoices,
    [property: JsonPropertyName("sc")] bool SupportsChoices,
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

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var expiry = new CancellationTokenSource(timeout, time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
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
