using System.Data.Common;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Avrr.Bot.Tests.Persistence;

/// <summary>
/// Group commit on SQLite: concurrent units share one commit, each unit's caller hears of success only when the
/// commit is durable, a failing unit rolls back alone, and a failing commit fails every unit in it.
/// The clock is fake and never moves, so only "nobody is waiting" and the size bound end a batch.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class StoreWriterTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "avrr-writer", Guid.NewGuid().ToString("N"));
    private StoreConnections _connections = null!;
    private StoreWriter _writer = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _connections = new StoreConnections(Options.Create(new StorageOptions { ConnectionString = $"Data Source={Path.Combine(_directory, "w.db")}" }));
        var meters = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _writer = new StoreWriter(_connections, new FakeTimeProvider(), new Telemetry(meters), NullLogger<StoreWriter>.Instance);
        await using var connection = await _connections.OpenAsync(default);
        await using var command = connection.Command("""
            PRAGMA journal_mode=WAL;
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE t (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        _connections.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Sixty_four_concurrent_units_share_one_commit_and_each_is_durable_when_it_returns()
    {
        var units = await RunTogetherAsync(64, i => Insert(i));
        var visible = await Task.WhenAll(units.Select(async unit =>
        {
            await unit.Task;
            // Seen from another connection the moment the unit returned: committed, not just written.
            return await CountAsync($"id = {unit.Id}");
        }));

        Assert.All(visible, count => Assert.Equal(1, count));
        Assert.Equal(1, _writer.CommittedBatches);
        Assert.Equal(64, _writer.CommittedUnits);
    }

    [Fact]
    public async Task A_unit_that_fails_rolls_back_alone_and_the_others_in_its_batch_commit()
    {
        var units = await RunTogetherAsync(5, i => i == 3
            ? async (connection, transaction, ct) =>
            {
                await Insert(i)(connection, transaction, ct);
                // The same key again: a constraint error in the middle of the unit.
                await Insert(i)(connection, transaction, ct);
            }
        : Insert(i));

        await Assert.ThrowsAsync<SqliteException>(() => units[3].Task);
        foreach (var unit in units.Where(u => u.Id != 3))
        {
            await unit.Task;
        }

        Assert.Equal(4, await CountAsync("1 = 1"));
        Assert.Equal(0, await CountAsync("id = 3"));
        Assert.Equal(1, _writer.CommittedBatches);
    }

    [Fact]
    public async Task The_first_unit_of_a_batch_fails_without_a_savepoint_and_the_units_waiting_behind_it_commit()
    {
        var units = await RunTogetherAsync(4, i => i == 0
            ? async (connection, transaction, ct) =>
            {
                await Insert(i)(connection, transaction, ct);
                await Insert(i)(connection, transaction, ct);
            }
        : Insert(i));

        await Assert.ThrowsAsync<SqliteException>(() => units[0].Task);
        await Task.WhenAll(units.Skip(1).Select(u => u.Task));
        Assert.Equal(3, await CountAsync("1 = 1"));
        Assert.Equal(0, await CountAsync("id = 0"));
    }

    [Fact]
    public async Task A_commit_that_fails_fails_every_unit_in_it_and_the_writer_goes_on()
    {
        // A deferred foreign key is checked at COMMIT: the one bad unit takes its whole batch down with it.
        var units = await RunTogetherAsync(4, i => i == 2
            ? (connection, transaction, ct) => Execute(connection, transaction, $"INSERT INTO t (id, parent) VALUES ({i}, 999)", ct)
            : Insert(i));

        foreach (var unit in units)
        {
            await Assert.ThrowsAsync<SqliteException>(() => unit.Task);
        }

        Assert.Equal(0, await CountAsync("1 = 1"));
        Assert.Equal(0, _writer.CommittedBatches);

        await _writer.RunAsync(Insert(100), default);
        Assert.Equal(1, await CountAsync("id = 100"));
    }

    [Fact]
    public async Task A_unit_that_throws_outside_the_database_leaves_nothing_behind()
    {
        await Assert.ThrowsAsync<FormatException>(() => _writer.RunAsync(async (connection, transaction, ct) =>
        {
            await Insert(1)(connection, transaction, ct);
            throw new FormatException("the unit's own mistake");
        }, default));
        await _writer.RunAsync(Insert(2), default);

        Assert.Equal(0, await CountAsync("id = 1"));
        Assert.Equal(1, await CountAsync("id = 2"));
    }

    /// <summary>
    /// Starts <paramref name="count"/> units while the first one holds the writer until all the others wait for it, so
    /// they are one batch.
    /// </summary>
    private async Task<List<(int Id, Task Task)>> RunTogetherAsync(int count, Func<int, Func<DbConnection, DbTransaction, CancellationToken, Task>> unitFor)
    {
        var units = new List<(int, Task)>
        {
            (0, _writer.RunAsync(async (connection, transaction, ct) =>
            {
                for (var i = 0; i < 500 && _writer.Waiting < count - 1; i++)
                {
                    await Task.Delay(10, ct);
                }

                Assert.Equal(count - 1, _writer.Waiting);
                await unitFor(0)(connection, transaction, ct);
            }, default)),
        };

        for (var i = 1; i < count; i++)
        {
            var unit = unitFor(i);
            units.Add((i, Task.Run(() => _writer.RunAsync(unit, default))));
        }

        await Task.WhenAll(units.Select(u => u.Item2.ContinueWith(_ => { }, TaskScheduler.Default)));
        return units;
    }

    private static Func<DbConnection, DbTransaction, CancellationToken, Task> Insert(int id) =>
        (connection, transaction, ct) => Execute(connection, transaction, $"INSERT INTO t (id) VALUES ({id})", ct);

    private static async Task Execute(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.Command(transaction, sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<long> CountAsync(string where)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "w.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.Command($"SELECT COUNT(*) FROM t WHERE {where}");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
