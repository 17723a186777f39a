using Npgsql;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// The floor of a durable turn on PostgreSQL: the same four statements as <see cref="BaselineTurn"/> in one
/// transaction, prepared, on one connection, in a schema of their own beside the product's tables.
/// </summary>
internal sealed class PostgresBaselineTurn : IBaseline
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _insertInbox;
    private readonly NpgsqlCommand _read;
    private readonly NpgsqlCommand _update;
    private readonly NpgsqlCommand _insertOutbox;
    private readonly byte[] _state = new byte[1024];
    private long _next;

    public PostgresBaselineTurn(string connectionString, int conversations)
    {
        _connection = new NpgsqlConnection(connectionString);
        _connection.Open();
        Execute("""
            DROP SCHEMA IF EXISTS floor CASCADE;
            CREATE SCHEMA floor;
            CREATE TABLE floor.inbox (id BIGSERIAL PRIMARY KEY, channel TEXT NOT NULL, external_id TEXT NOT NULL, received_at BIGINT NOT NULL);
            CREATE UNIQUE INDEX ux_floor_inbox ON floor.inbox (channel, external_id);
            CREATE TABLE floor.conversation (id TEXT PRIMARY KEY, state BYTEA NOT NULL, version BIGINT NOT NULL);
            CREATE TABLE floor.outbox (id BIGSERIAL PRIMARY KEY, conversation_id TEXT NOT NULL, payload TEXT NOT NULL, created_at BIGINT NOT NULL);
            """);
        using (var seed = new NpgsqlCommand("INSERT INTO floor.conversation (id, state, version) SELECT 'c' || i, @state, 1 FROM generate_series(0, @n - 1) AS i", _connection))
        {
            seed.Parameters.AddWithValue("state", _state);
            seed.Parameters.AddWithValue("n", conversations);
            seed.ExecuteNonQuery();
        }

        _insertInbox = Prepare("INSERT INTO floor.inbox (channel, external_id, received_at) VALUES ('bench', @ext, @now) ON CONFLICT (channel, external_id) DO NOTHING", "ext", "now");
        _read = Prepare("SELECT state, version FROM floor.conversation WHERE id = @id FOR UPDATE", "id");
        _update = Prepare("UPDATE floor.conversation SET state = @state, version = version + 1 WHERE id = @id AND version = @version", "state", "id", "version");
        _insertOutbox = Prepare("INSERT INTO floor.outbox (conversation_id, payload, created_at) VALUES (@id, @payload, @now)", "id", "payload", "now");
    }

    public void Turn(string conversationId, string replyJson, long now)
    {
        using var tx = _connection.BeginTransaction();
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

    private NpgsqlCommand Prepare(string sql, params string[] names)
    {
        var command = new NpgsqlCommand(sql, _connection);
        foreach (var name in names)
        {
            command.Parameters.Add(new NpgsqlParameter { ParameterName = name, Value = DBNull.Value });
        }

        return command;
    }

    private void Execute(string sql)
    {
        using var command = new NpgsqlCommand(sql, _connection);
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

/// <summary>The raw floor a product turn is compared with, on the store the run uses.</summary>
internal interface IBaseline : IDisposable
{
    void Turn(string conversationId, string replyJson, long now);
}
