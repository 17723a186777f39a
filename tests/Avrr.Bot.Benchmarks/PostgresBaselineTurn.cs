using Npgsql;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// The floor of a durable turn on PostgreSQL: the same four statements in one transaction, on one connection, in a
/// schema of their own beside the product's tables.
/// </summary>
internal sealed class PostgresBaselineTurn : FloorTurn
{
    private readonly NpgsqlConnection _connection;

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
            seed.Parameters.AddWithValue("state", State);
            seed.Parameters.AddWithValue("n", conversations);
            seed.ExecuteNonQuery();
        }

        Use(_connection, Prepare("INSERT INTO floor.inbox (channel, external_id, received_at) VALUES ('bench', @ext, @now) ON CONFLICT (channel, external_id) DO NOTHING", "ext", "now"),
            Prepare("SELECT state, version FROM floor.conversation WHERE id = @id FOR UPDATE", "id"),
            Prepare("UPDATE floor.conversation SET state = @state, version = version + 1 WHERE id = @id AND version = @version", "state", "id", "version"),
            Prepare("INSERT INTO floor.outbox (conversation_id, payload, created_at) VALUES (@id, @payload, @now)", "id", "payload", "now"));
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
}
