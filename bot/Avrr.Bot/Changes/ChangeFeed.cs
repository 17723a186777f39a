using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Changes;

/// <summary>
/// Something other parts of this instance, and other instances, must notice: a conversation's transcript or
/// deliveries changed, a case changed. Only a nudge: whoever is woken re-reads from the store by cursor, so a lost
/// nudge delays but never loses anything.
/// </summary>
/// <param name="ConversationId">The conversation that changed, or empty when only the queue did.</param>
/// <param name="LastSeq">Its highest sequence number now, or -1 when unknown (a delivery status changed).</param>
/// <param name="PushDeliveries">New outbox rows for a push channel (the relay looks now rather than at its next tick).</param>
/// <param name="Case">The case's reference when a case changed (the console's queue refreshes).</param>
/// <param name="Urgent">An urgent case was opened or a case escalated to urgent (the console alerts).</param>
public readonly record struct Change(string ConversationId, long LastSeq, bool PushDeliveries, string? Case = null, bool Urgent = false)
{
    private const char Separator = '|';

    public string Encode(string instance) => string.Join(Separator, instance, ConversationId, LastSeq.ToString(CultureInfo.InvariantCulture), PushDeliveries ? "1" : "0", Case ?? "", Urgent ? "1" : "0");

    public static bool TryDecode(string payload, out string instance, out Change change)
    {
        var parts = payload.Split(Separator);
        instance = parts[0];
        change = default;
        if (parts.Length != 6 || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        change = new Change(parts[1], seq, parts[3] == "1", parts[4].Length == 0 ? null : parts[4], parts[5] == "1");
        return true;
    }
}

/// <summary>
/// Publishes changes: on this instance at once (Direct Line streams, the outbox relay, the console), and on
/// PostgreSQL to every other instance through <c>pg_notify</c> inside the writer's transaction, so a change is
/// announced exactly when it commits. <see cref="ChangeListener"/> receives them on the other side.
/// </summary>
public sealed class ChangeFeed(ConversationEvents conversations, StoreConnections connections)
{
    public const string Channel = "avrr_changes";

    private readonly Channel<Change> _console = System.Threading.Channels.Channel.CreateBounded<Change>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly Channel<Change> _cases = System.Threading.Channels.Channel.CreateBounded<Change>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>This process, so it can ignore its own notifications when they come back.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Changes for the console's real-time updates (read by the console broadcaster).</summary>
    public ChannelReader<Change> Console => _console.Reader;

    /// <summary>Changes of conversations with a case (read by the message translator).</summary>
    public ChannelReader<Change> Cases => _cases.Reader;

    /// <summary>Wakes this instance's listeners; call after the change committed.</summary>
    public void Local(Change change)
    {
        if (change.ConversationId.Length > 0)
        {
            conversations.Published(change.ConversationId, change.LastSeq, change.PushDeliveries);
        }

        _console.Writer.TryWrite(change);
        if (change.Case is not null && change.ConversationId.Length > 0)
        {
            _cases.Writer.TryWrite(change);
        }
    }

    /// <summary>Announces the change to the other instances when <paramref name="transaction"/> commits (PostgreSQL only).</summary>
    public async Task AnnounceAsync(DbConnection connection, DbTransaction? transaction, Change change, CancellationToken ct)
    {
        if (connections.Provider != StorageProvider.Postgres)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_notify(@channel, @payload)";
        command.AddParameter("channel", Channel);
        command.AddParameter("payload", change.Encode(Instance));
        await command.ExecuteScalarAsync(ct);
    }

    /// <summary>A change made outside a transaction: announced to the others and published here.</summary>
    public async Task PublishAsync(Change change, CancellationToken ct)
    {
        if (connections.Provider == StorageProvider.Postgres)
        {
            await using var connection = await connections.OpenAsync(ct);
            await AnnounceAsync(connection, null, change, ct);
        }

        Local(change);
    }
}
