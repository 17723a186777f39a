using System.Data.Common;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// The physical floor of a durable turn (docs/benchmarks.md): one transaction with an inbox insert, a state read, a
/// versioned update and an outbox insert, as prepared raw ADO.NET commands on one connection. The store-specific
/// subclasses create the tables and the commands.
/// </summary>
internal abstract class FloorTurn : IDisposable
{
    private readonly byte[] _state = new byte[1024];
    private DbConnection _connection = null!;
    private DbCommand _insertInbox = null!;
    private DbCommand _read = null!;
    private DbCommand _update = null!;
    private DbCommand _insertOutbox = null!;
    private long _next;

    protected byte[] State => _state;

    /// <param name="insertInbox">Parameters: external id, now.</param>
    /// <param name="read">Parameter: conversation id; returns state, version.</param>
    /// <param name="update">Parameters: state, conversation id, expected version.</param>
    /// <param name="insertOutbox">Parameters: conversation id, payload, now.</param>
    protected void Use(DbConnection connection, DbCommand insertInbox, DbCommand read, DbCommand update, DbCommand insertOutbox) =>
        (_connection, _insertInbox, _read, _update, _insertOutbox) = (connection, insertInbox, read, update, insertOutbox);

    public void Turn(string conversationId, string replyJson, long now)
    {
        using var tx = _connection.BeginTransaction();
        _insertInbox.Transaction = _read.Transaction = _update.Transaction = _insertOutbox.Transaction = tx;
        _insertInbox.Parameters[0].Value = "b" + _next++;
        _insertInbox.Parameters[1].Value = now;
        _insertInbox.ExecuteNonQuery();

        _read.Parameters[0].Value = conversationId;
        long version;
        using (var reader = _read.ExecuteReader())
        {
            reader.Read();
            version = reader.GetInt64(1);
        }

        _update.Parameters[0].Value = _state;
        _update.Parameters[1].Value = conversationId;
        _update.Parameters[2].Value = version;
        _update.ExecuteNonQuery();

        _insertOutbox.Parameters[0].Value = conversationId;
        _insertOutbox.Parameters[1].Value = replyJson;
        _insertOutbox.Parameters[2].Value = now;
        _insertOutbox.ExecuteNonQuery();
        tx.Commit();
    }

    public void Dispose()
    {
        _insertInbox.Dispose();
        _read.Dispose();
        _update.Dispose();
        _insertOutbox.Dispose();
        _connection.Dispose();
    }
}
