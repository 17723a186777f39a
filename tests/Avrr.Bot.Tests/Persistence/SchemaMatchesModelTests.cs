using Avrr.Bot.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Tests.Persistence;

/// <summary>
/// The migrations are written by hand (no EF Design package here), so nothing else notices when they drift from
/// the model: build one database from the migrations and one from the model, and compare them table by table.
/// </summary>
public sealed class SchemaMatchesModelTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-schema", Guid.NewGuid().ToString("N"));

    public SchemaMatchesModelTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Migrated_sqlite_schema_equals_the_schema_the_model_creates()
    {
        var migrated = Path.Combine(_directory, "migrated.db");
        var created = Path.Combine(_directory, "created.db");
        await using (var db = Context(migrated))
        {
            await db.Database.MigrateAsync();
        }

        await using (var db = Context(created))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var expected = await SqliteSchema.DescribeAsync(created);
        var actual = await SqliteSchema.DescribeAsync(migrated);
        actual.Remove("__EFMigrationsHistory");
        actual.Remove("__EFMigrationsLock");

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (table, description) in expected)
        {
            Assert.Equal(description, actual[table]);
        }
    }

    [Fact]
    public async Task Model_has_no_pending_changes_against_the_migrations()
    {
        await using var db = Context(Path.Combine(_directory, "pending.db"));
        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    private static AvrrDbContext Context(string file) =>
        new(new DbContextOptionsBuilder<AvrrDbContext>().UseSqlite($"Data Source={file}").Options);
}

internal static class SqliteSchema
{
    /// <summary>Per table: columns (name, type, not null, primary key position) and indexes (name, unique, columns).</summary>
    public static async Task<Dictionary<string, string>> DescribeAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var lines = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = $"PRAGMA table_info(\"{table}\")";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    lines.Add($"column {reader.GetString(1)} {reader.GetString(2)} notnull={reader.GetInt32(3)} pk={reader.GetInt32(5)}");
                }
            }

            var indexes = new List<(string Name, int Unique)>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = $"PRAGMA index_list(\"{table}\")";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    indexes.Add((reader.GetString(1), reader.GetInt32(2)));
                }
            }

            foreach (var (name, unique) in indexes.Where(i => !i.Name.StartsWith("sqlite_autoindex", StringComparison.Ordinal)))
            {
                var columns = new List<string>();
                await using var command = connection.CreateCommand();
                command.CommandText = $"PRAGMA index_info(\"{name}\")";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    columns.Add(reader.GetString(2));
                }

                lines.Add($"index {name} unique={unique} ({string.Join(",", columns)})");
            }

            lines.Sort(StringComparer.Ordinal);
            result[table] = string.Join("\n", lines);
        }

        return result;
    }
}
