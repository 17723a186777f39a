using Microsoft.Data.Sqlite;

namespace Avrr.Bot.Benchmarks;

/// <summary>
/// Grows the product's database to a large number of stored conversations by copying the ones the run created (each
/// copy a distinct conversation with its own id and address hash), with their inbox rows, in one transaction. Message
/// history is not copied: retention bounds it, while conversations and the inbox's dedupe keys are what every turn's
/// lookups and inserts walk.
/// </summary>
internal static class ScaleWork
{
    public static long GrowTo(string databasePath, long target)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        var existing = Count(connection, "conversations");
        var copies = Math.Max(0, (target - existing) / Math.Max(1, existing));
        if (copies == 0)
        {
            return existing;
        }

        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, CopySql(connection, "conversations", new Dictionary<string, string>
        {
            ["id"] = "t.\"id\" || '~' || n.i",
            ["address_hash"] = "CASE WHEN t.\"address_hash\" IS NULL THEN NULL ELSE t.\"address_hash\" || '~' || n.i END",
        }, "t.\"id\" NOT LIKE '%~%'"), copies);
        Execute(connection, transaction, CopySql(connection, "inbox", new Dictionary<string, string>
        {
            ["id"] = "",
            ["conversation_id"] = "t.\"conversation_id\" || '~' || n.i",
            ["external_id"] = "t.\"external_id\" || '~' || n.i",
        }, "t.\"conversation_id\" NOT LIKE '%~%'"), copies);
        transaction.Commit();
        return Count(connection, "conversations");
    }

    private static long Count(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>INSERT … SELECT over every column of the table as it is now (migrations add columns), rewriting some.</summary>
    private static string CopySql(SqliteConnection connection, string table, Dictionary<string, string> rewrite, string filter)
    {
        var columns = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        var kept = columns.Where(c => !rewrite.TryGetValue(c, out var expression) || expression.Length > 0).ToList();
        var values = kept.Select(c => rewrite.TryGetValue(c, out var expression) ? expression : $"t.\"{c}\"");
        return $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies)
            INSERT INTO "{table}" ({string.Join(", ", kept.Select(c => $"\"{c}\""))})
            SELECT {string.Join(", ", values)} FROM "{table}" t, n WHERE {filter}
            """;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, long copies)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("$copies", copies);
        command.ExecuteNonQuery();
    }
}
