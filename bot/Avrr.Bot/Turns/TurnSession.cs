using System.Data;
using System.Data.Common;
using Avrr.Bot.Persistence;
using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

/// <summary>The conversation row as a turn sees it when it starts; personal fields still sealed.</summary>
internal sealed record LoadedConversation(
    string Channel,
    byte[]? State,
    long Version,
    long NextSeq,
    ConversationOwner Owner,
    bool OptedOut,
    byte[]? DataKey,
    byte[]? ChannelAddress,
    long? ErasedAt,
    OpenCase? Case);

/// <summary>The conversation's open case, when it has one.</summary>
internal sealed record OpenCase(long Id, string Reference, string? Assignee, int Urgency, long Version, string? Language);

/// <summary>
/// One turn's transaction over a raw connection: the durable work of a turn in a few portable statements, with
/// commands prepared once per connection (EF Core costs ~0.4 ms and ~40 KB per turn here, measured in docs/benchmarks.md).
/// </summary>
internal sealed partial class TurnSession : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private DbTransaction? _transaction;

    private DbCommand? _insertInbox;
    private DbCommand? _markInboxProcessed;
    private DbCommand? _load;
    private DbCommand? _insertConversation;
    private DbCommand? _updateConversation;
    private DbCommand? _insertActivity;

    private readonly bool _serializeAcrossInstances;
    private DbCommand? _lockConversation;
    private DbCommand? _touchCase;

    public TurnSession(DbConnection connection, bool serializeAcrossInstances)
    {
        _connection = connection;
        _serializeAcrossInstances = serializeAcrossInstances;
    }

    /// <summary>The connection the prepared commands belong to.</summary>
    public DbConnection Connection => _connection;

    /// <summary>The writer's hold for the turn now running (set by <see cref="TurnSessionPool"/>).</summary>
    internal StoreWriter.WriteLease? Lease { get; set; }

    /// <summary>
    /// Several instances on PostgreSQL: a transaction-scoped advisory lock per conversation makes a second instance
    /// wait instead of losing the version check again and again. The version check stays the guarantee.
    /// <para>
    /// Then the conversation's row, before the turn touches its inbox row: a webhook's intake on another instance
    /// takes the same two in the same order (it touches the conversation, then inserts into the inbox), so the two
    /// wait for each other instead of deadlocking (40P01) when a message is redelivered while its turn runs.
    /// </para>
    /// </summary>
    public async Task LockConversationAsync(string conversationId, CancellationToken ct)
    {
        if (!_serializeAcrossInstances)
        {
            return;
        }

        _lockConversation ??= Prepare("SELECT pg_advisory_xact_lock(hashtextextended(@id, 0)); SELECT 1 FROM conversations WHERE id = @id FOR UPDATE", "id");
        _lockConversation.Transaction = _transaction;
        _lockConversation.Parameters[0].Value = conversationId;
        await _lockConversation.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Begins the turn's unit: its own transaction, or on SQLite a savepoint in the writer's shared one (group commit).</summary>
    public async Task BeginAsync(CancellationToken ct)
    {
        var lease = Lease ?? throw new InvalidOperationException("The session is not leased.");
        await lease.BeginAsync(ct);
        _transaction = lease.Transaction;
    }

    /// <summary>Ends the unit; its effects are durable when the lease is released (<see cref="TurnSessionPool.Lease.ReleaseAsync"/>).</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        await Lease!.CommitAsync(ct);
        _transaction = null;
    }

    public async Task RollbackAsync()
    {
        _transaction = null;
        if (Lease is { } lease)
        {
            await lease.RollbackAsync();
        }
    }

    /// <summary>Returns false when this channel message was seen before (the durable dedupe, by its keyed hash).</summary>
    public async Task<bool> TryInsertInboxAsync(string channel, string externalIdHash, string conversationId, long now, CancellationToken ct)
    {
        _insertInbox ??= Prepare(
            $"INSERT INTO inbox (channel, external_id, conversation_id, received_at, status) VALUES (@channel, @external_id, @conversation_id, @received_at, {(int)InboxStatus.Processed}) ON CONFLICT (channel, external_id) DO NOTHING",
            "channel", "external_id", "conversation_id", "received_at");
        return await Execute(_insertInbox, ct, channel, externalIdHash, conversationId, now) == 1;
    }

    /// <summary>For messages acknowledged first and processed later: claims the pending inbox row and drops its payload.</summary>
    public async Task<bool> MarkInboxProcessedAsync(long inboxId, CancellationToken ct)
    {
        _markInboxProcessed ??= Prepare($"UPDATE inbox SET status = {(int)InboxStatus.Processed}, payload = NULL WHERE id = @id AND status = {(int)InboxStatus.Pending}", "id");
        return await Execute(_markInboxProcessed, ct, inboxId) == 1;
    }

    public async Task<LoadedConversation?> LoadAsync(string conversationId, CancellationToken ct)
    {
        _load ??= Prepare($"""
            SELECT c.channel, c.state, c.version, c.next_seq, c.owner, c.opted_out, c.data_key, c.channel_address, c.erased_at,
                   k.id, k.reference, k.assignee, k.urgency, k.version, k.language
            FROM conversations c LEFT JOIN cases k ON k.conversation_id = c.id AND k.status = {(int)CaseState.Open}
            WHERE c.id = @id
            """, "id");
        _load.Transaction = _transaction;
        _load.Parameters[0].Value = conversationId;
        await using var reader = await _load.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new LoadedConversation(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1),
            reader.GetInt64(2),
            reader.GetInt64(3),
            (ConversationOwner)reader.GetInt32(4),
            reader.GetBoolean(5),
            reader.IsDBNull(6) ? null : (byte[])reader.GetValue(6),
            reader.IsDBNull(7) ? null : (byte[])reader.GetValue(7),
            reader.IsDBNull(8) ? null : reader.GetInt64(8),
            reader.IsDBNull(9) ? null : new OpenCase(reader.GetInt64(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetInt32(12), reader.GetInt64(13), reader.IsDBNull(14) ? null : reader.GetString(14)));
    }

    /// <summary>A conversation of a pull channel (Direct Line) starts with its first turn; push channels create theirs at intake.</summary>
    public async Task<bool> InsertConversationAsync(string id, string channel, byte[] dataKey, byte[]? state, long nextSeq, bool optedOut, long now, CancellationToken ct)
    {
        _insertConversation ??= Prepare(
            "INSERT INTO conversations (id, channel, data_key, state, version, next_seq, owner, opted_out, created_at, updated_at) VALUES (@id, @channel, @data_key, @state, 1, @next_seq, 0, @opted_out, @now, @now) ON CONFLICT (id) DO NOTHING",
            "id", "channel", "data_key", "state", "next_seq", "opted_out", "now");
        return await Execute(_insertConversation, ct, id, channel, dataKey, state, nextSeq, optedOut, now) == 1;
    }

    /// <summary>The optimistic version check: 0 rows means another writer got there first and the turn is retried.</summary>
    public async Task<bool> UpdateConversationAsync(string id, long expectedVersion, byte[]? state, long nextSeq, ConversationOwner owner, bool optedOut, long now, CancellationToken ct)
    {
        _updateConversation ??= Prepare(
            "UPDATE conversations SET state = @state, version = version + 1, next_seq = @next_seq, owner = @owner, opted_out = @opted_out, updated_at = @now WHERE id = @id AND version = @version",
            "state", "next_seq", "owner", "opted_out", "now", "id", "version");
        return await Execute(_updateConversation, ct, state, nextSeq, (int)owner, optedOut, now, id, expectedVersion) == 1;
    }

    public async Task InsertActivityAsync(string conversationId, long seq, ActivityDirection direction, byte[] payload, long now, DeliveryStatus delivery, long? expiresAt, CancellationToken ct)
    {
        _insertActivity ??= Prepare(
            "INSERT INTO activities (conversation_id, seq, direction, payload, created_at, expires_at, delivery, attempts, next_attempt_at) VALUES (@conversation_id, @seq, @direction, @payload, @now, @expires_at, @delivery, 0, @next_attempt_at)",
            "conversation_id", "seq", "direction", "payload", "now", "expires_at", "delivery", "next_attempt_at");
        await Execute(_insertActivity, ct, conversationId, seq, (int)direction, payload, now, expiresAt, (int)delivery, delivery == DeliveryStatus.Pending ? now : null);
    }

    /// <summary>
    /// Erasure inside the turn (crypto-shredding): the conversation gets a new data key, so every earlier ciphertext
    /// of it, wherever a copy survives, is unreadable; then its rows go. What this turn writes (the receipt) is sealed
    /// with the new key. On a push channel the row keeps the address only until the receipt is delivered.
    /// </summary>
    public async Task EraseAsync(string conversationId, string channel, long beforeSeq, byte[] newDataKey, byte[]? resealedAddress, long now, bool push, CancellationToken ct)
    {
        long? erasedAt = push ? now : null;
        await using (var conversation = Create(
            "UPDATE conversations SET data_key = @data_key, channel_address = @address, address_hash = NULL, erased_at = @erased_at WHERE id = @id",
            "data_key", "address", "erased_at", "id"))
        {
            await Execute(conversation, ct, newDataKey, resealedAddress, erasedAt, conversationId);
        }

        await using (var activities = Create("DELETE FROM activities WHERE conversation_id = @id AND seq < @seq", "id", "seq"))
        {
            await Execute(activities, ct, conversationId, beforeSeq);
        }

        await Cases.CaseRows.DeleteForConversationAsync(_connection, _transaction!, conversationId, ct);

        // Only the keyed dedupe hash stays, unlinked, until it expires; messages still waiting are dropped with the rest.
        await using (var inbox = Create($"UPDATE inbox SET payload = NULL, status = {(int)InboxStatus.Processed}, conversation_id = '' WHERE conversation_id = @id", "id"))
        {
            await Execute(inbox, ct, conversationId);
        }

        // The receipt the audit keeps says that it happened, never who it was.
        await using var audit = Create(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (@at, @actor, @action, @target, @detail)", "at", "actor", "action", "target", "detail");
        await Execute(audit, ct, now, "the person (self-service)", "person.erase", "a person's conversation", $"'delete my data' confirmed in the conversation ({channel})");
    }

    private DbCommand Prepare(string sql, params string[] parameterNames) => Create(sql, parameterNames);

    private DbCommand Create(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private async Task<int> Execute(DbCommand command, CancellationToken ct, params object?[] values)
    {
        command.Transaction = _transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Counts questions without an answer; with the person's message when it is kept with consent (see
    /// <see cref="UnansweredQuestionRecord"/>).
    /// </summary>
    public async Task CountUnansweredAsync(IEnumerable<QuestionUnanswered> questions, StoredActivity? message, long day, CancellationToken ct)
    {
        foreach (var question in questions)
        {
            await using var command = Create(
                "INSERT INTO unanswered_questions (day, language, topic, conversation_id, seq) VALUES (@day, @language, @topic, @c, @seq)",
                "day", "language", "topic", "c", "seq");
            await Execute(command, ct, day, Trim(question.Language, 16), question.NearestTopic is null ? null : Trim(question.NearestTopic, 64), message?.ConversationId, message?.Seq);
        }
    }

    /// <summary>Disposes the prepared commands; the connection belongs to the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _insertInbox, _markInboxProcessed, _load, _insertConversation, _updateConversation, _insertActivity, _lockConversation, _touchCase })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }
}
