using System.Data;
using System.Data.Common;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Turns;

/// <summary>The conversation row as a turn sees it when it starts.</summary>
internal sealed record LoadedConversation(string? State, long Version, long NextSeq, ConversationOwner Owner, bool OptedOut);

/// <summary>
/// One turn's transaction over a raw connection: the durable work of a turn in five portable statements, with
/// commands prepared once per connection (EF Core costs ~0.4 ms and ~40 KB per turn here; performance.md §3.2).
/// </summary>
internal sealed class TurnSession : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly bool _ownsConnection;
    private DbTransaction? _transaction;

    private DbCommand? _insertInbox;
    private DbCommand? _markInboxProcessed;
    private DbCommand? _load;
    private DbCommand? _insertConversation;
    private DbCommand? _updateConversation;
    private DbCommand? _insertActivity;

    private readonly bool _serializeAcrossInstances;
    private DbCommand? _lockConversation;

    public TurnSession(DbConnection connection, bool ownsConnection, bool serializeAcrossInstances)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
        _serializeAcrossInstances = serializeAcrossInstances;
    }

    /// <summary>
    /// Several instances on PostgreSQL: a transaction-scoped advisory lock per conversation makes a second instance
    /// wait instead of losing the version check again and again. The version check stays the guarantee.
    /// </summary>
    public async Task LockConversationAsync(string conversationId, CancellationToken ct)
    {
        if (!_serializeAcrossInstances)
        {
            return;
        }

        _lockConversation ??= Prepare("SELECT pg_advisory_xact_lock(hashtextextended(@id, 0))", "id");
        _lockConversation.Transaction = _transaction;
        _lockConversation.Parameters[0].Value = conversationId;
        await _lockConversation.ExecuteScalarAsync(ct);
    }

    public async Task BeginAsync(CancellationToken ct)
    {
        // SQLite: Microsoft.Data.Sqlite begins IMMEDIATE by default, so the write lock is taken up front and
        // the read-then-write below cannot deadlock on a lock upgrade.
        _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        await _transaction!.CommitAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    public async Task RollbackAsync()
    {
        if (_transaction is null)
        {
            return;
        }

        try
        {
            await _transaction.RollbackAsync(CancellationToken.None);
        }
        finally
        {
            await _transaction.DisposeAsync();
            _transaction = null;
        }
    }

    /// <summary>Returns false when this channel message was seen before (the durable dedupe).</summary>
    public async Task<bool> TryInsertInboxAsync(string channel, string externalId, string conversationId, long now, CancellationToken ct)
    {
        _insertInbox ??= Prepare(
            "INSERT INTO inbox (channel, external_id, conversation_id, received_at, status) VALUES (@channel, @external_id, @conversation_id, @received_at, 0) ON CONFLICT (channel, external_id) DO NOTHING",
            "channel", "external_id", "conversation_id", "received_at");
        return await Execute(_insertInbox, ct, channel, externalId, conversationId, now) == 1;
    }

    /// <summary>For messages acknowledged first and processed later: claims the pending inbox row.</summary>
    public async Task<bool> MarkInboxProcessedAsync(long inboxId, CancellationToken ct)
    {
        _markInboxProcessed ??= Prepare("UPDATE inbox SET status = 0, payload = NULL WHERE id = @id AND status = 1", "id");
        return await Execute(_markInboxProcessed, ct, inboxId) == 1;
    }

    public async Task<LoadedConversation?> LoadAsync(string conversationId, CancellationToken ct)
    {
        _load ??= Prepare("SELECT state, version, next_seq, owner, opted_out FROM conversations WHERE id = @id", "id");
        _load.Transaction = _transaction;
        _load.Parameters[0].Value = conversationId;
        await using var reader = await _load.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new LoadedConversation(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            (ConversationOwner)reader.GetInt32(3),
            reader.GetBoolean(4));
    }

    public async Task<bool> InsertConversationAsync(string id, string channel, string address, string? state, long nextSeq, bool optedOut, long now, CancellationToken ct)
    {
        _insertConversation ??= Prepare(
            "INSERT INTO conversations (id, channel, channel_address, state, version, next_seq, owner, opted_out, created_at, updated_at) VALUES (@id, @channel, @address, @state, 1, @next_seq, 0, @opted_out, @now, @now) ON CONFLICT (id) DO NOTHING",
            "id", "channel", "address", "state", "next_seq", "opted_out", "now");
        return await Execute(_insertConversation, ct, id, channel, address, state, nextSeq, optedOut, now) == 1;
    }

    /// <summary>The optimistic version check: 0 rows means another writer got there first and the turn is retried.</summary>
    public async Task<bool> UpdateConversationAsync(string id, long expectedVersion, string? state, long nextSeq, ConversationOwner owner, bool optedOut, long now, CancellationToken ct)
    {
        _updateConversation ??= Prepare(
            "UPDATE conversations SET state = @state, version = version + 1, next_seq = @next_seq, owner = @owner, opted_out = @opted_out, updated_at = @now WHERE id = @id AND version = @version",
            "state", "next_seq", "owner", "opted_out", "now", "id", "version");
        return await Execute(_updateConversation, ct, state, nextSeq, (int)owner, optedOut, now, id, expectedVersion) == 1;
    }

    public async Task InsertActivityAsync(string conversationId, long seq, ActivityDirection direction, string payload, long now, DeliveryStatus delivery, CancellationToken ct)
    {
        _insertActivity ??= Prepare(
            "INSERT INTO activities (conversation_id, seq, direction, payload, created_at, delivery, attempts, next_attempt_at) VALUES (@conversation_id, @seq, @direction, @payload, @now, @delivery, 0, @next_attempt_at)",
            "conversation_id", "seq", "direction", "payload", "now", "delivery", "next_attempt_at");
        await Execute(_insertActivity, ct, conversationId, seq, (int)direction, payload, now, (int)delivery, delivery == DeliveryStatus.Pending ? now : null);
    }

    public async Task InsertHandoffAsync(string conversationId, int urgency, string reason, string caseSummary, long now, CancellationToken ct)
    {
        await using var command = Create(
            "INSERT INTO handoff_requests (conversation_id, urgency, reason, case_summary, status, created_at) VALUES (@conversation_id, @urgency, @reason, @case_summary, 0, @now)",
            "conversation_id", "urgency", "reason", "case_summary", "now");
        await Execute(command, ct, conversationId, urgency, reason, caseSummary, now);
    }

    /// <summary>Erasure inside the turn: the transcript before this turn and every hand-off request go.</summary>
    public async Task EraseAsync(string conversationId, long beforeSeq, CancellationToken ct)
    {
        await using (var activities = Create("DELETE FROM activities WHERE conversation_id = @id AND seq < @seq", "id", "seq"))
        {
            await Execute(activities, ct, conversationId, beforeSeq);
        }

        await using (var handoffs = Create("DELETE FROM handoff_requests WHERE conversation_id = @id", "id"))
        {
            await Execute(handoffs, ct, conversationId);
        }

        await using var inbox = Create("UPDATE inbox SET payload = NULL WHERE conversation_id = @id", "id");
        await Execute(inbox, ct, conversationId);
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

    public async ValueTask DisposeAsync()
    {
        await RollbackAsync();
        foreach (var command in new[] { _insertInbox, _markInboxProcessed, _load, _insertConversation, _updateConversation, _insertActivity, _lockConversation })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }

        if (_ownsConnection)
        {
            await _connection.DisposeAsync();
        }
    }
}
