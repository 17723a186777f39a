using Avrr.Bot.Persistence;
using Microsoft.Data.Sqlite;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// The physical floor of a durable turn (performance.md §4): one transaction with an inbox insert, a state read, a
/// versioned update and an outbox insert, as prepared raw ADO.NET commands on one connection.
/// </summary>
internal sealed class BaselineTurn : IBaseline
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertInbox;
    private readonly SqliteCommand _read;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _insertOutbox;
    private readonly byte[] _state = new byte[1024];
    private long _next;

    public BaselineTurn(string file, SqliteSynchronous synchronous, int conversations)
    {
        _connection = new SqliteConnection($"Data Source={file}");
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        SqlitePragmas.Apply(_connection, synchronous);
        Execute("""
            CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, external_id TEXT NOT NULL, received_at INTEGER NOT NULL);
            CREATE UNIQUE INDEX ux_inbox ON inbox (channel, external_id);
            CREATE TABLE conversation (id TEXT PRIMARY KEY, state BLOB NOT NULL, version INTEGER NOT NULL);
            CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL);
            """);
        using (var tx = _connection.BeginTransaction())
        using (var seed = _connection.CreateCommand())
        {
            seed.Transaction = tx;
            seed.CommandText = "INSERT INTO conversation (id, state, version) VALUES (@id, @state, 1)";
            var id = seed.Parameters.Add("@id", SqliteType.Text);
            seed.Parameters.AddWithValue("@state", _state);
            for (var i = 0; i < conversations; i++)
            {
                id.Value = $"c{i}";
                seed.ExecuteNonQuery();
            }

            tx.Commit();
        }

        _insertInbox = Prepare("INSERT INTO inbox (channel, external_id, received_at) VALUES ('bench', @ext, @now) ON CONFLICT (channel, external_id) DO NOTHING", "@ext", "@now");
        _read = Prepare("SELECT state, version FROM conversation WHERE id = @id", "@id");
        _update = Prepare("UPDATE conversation SET state = @state, version = version + 1 WHERE id = @id AND version = @version", "@state", "@id", "@version");
        _insertOutbox = Prepare("INSERT INTO outbox (conversation_id, payload, created_at) VALUES (@id, @payload, @now)", "@id", "@payload", "@now");
    }

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

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
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
