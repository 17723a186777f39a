using Avrr.Bot.Persistence;
using Microsoft.Data.Sqlite;

namespace Avrr.Bot.Benchmarks;

/// <summary>The floor of a durable turn on SQLite in WAL mode, with the product's <c>synchronous</c> setting.</summary>
internal sealed class BaselineTurn : FloorTurn
{
    private readonly SqliteConnection _connection;

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
            seed.Parameters.AddWithValue("@state", State);
            for (var i = 0; i < conversations; i++)
            {
                id.Value = $"c{i}";
                seed.ExecuteNonQuery();
            }

            tx.Commit();
        }

        Use(_connection, Prepare("INSERT INTO inbox (channel, external_id, received_at) VALUES ('bench', @ext, @now) ON CONFLICT (channel, external_id) DO NOTHING", "@ext", "@now"),
            Prepare("SELECT state, version FROM conversation WHERE id = @id", "@id"),
            Prepare("UPDATE conversation SET state = @state, version = version + 1 WHERE id = @id AND version = @version", "@state", "@id", "@version"),
            Prepare("INSERT INTO outbox (conversation_id, payload, created_at) VALUES (@id, @payload, @now)", "@id", "@payload", "@now"));
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
}
