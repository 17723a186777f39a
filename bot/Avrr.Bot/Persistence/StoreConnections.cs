using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Avrr.Bot.Persistence;

/// <summary>
/// Opens raw ADO.NET connections for the hot paths (turns, transcript reads, outbox), the one place that knows the
/// provider. The SQL itself is portable: SQLite and PostgreSQL both accept it.
/// </summary>
public sealed class StoreConnections : IDisposable
{
    private readonly StorageOptions _options;
    private readonly NpgsqlDataSource? _postgres;

    public StoreConnections(IOptions<StorageOptions> options)
    {
        _options = options.Value;
        if (_options.Provider == StorageProvider.Postgres)
        {
            _postgres = NpgsqlDataSource.Create(_options.ConnectionString);
        }
    }

    /// <summary>
    /// The PostgreSQL advisory lock an instance holds while it migrates the schema and runs its start-up steps.
    /// Instances started together on one database take turns: EF Core's own migration lock did not stop two of them
    /// applying the same migration (42P07 "relation already exists"), and the first publish of the shipped content is
    /// a check-then-insert.
    /// </summary>
    public const long StartupLock = 0x61767272_73747570;

    public StorageProvider Provider => _options.Provider;

    /// <summary>SQLite allows one writer at a time: writes queue in-process instead of spinning on SQLITE_BUSY.</summary>
    public bool SingleWriter => _options.Provider == StorageProvider.Sqlite;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_options.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        SqlitePragmas.Apply(connection, _options.SqliteSynchronous);
        return connection;
    }

    /// <summary>
    /// Waits for a session advisory lock on PostgreSQL; on SQLite (one instance) it is granted at once. Dispose the
    /// result to release it; PostgreSQL releases it too when the instance dies holding it.
    /// </summary>
    public async Task<IAsyncDisposable> LockAsync(long key, CancellationToken ct) =>
        (await TakeAsync(key, $"SELECT pg_advisory_lock({key})", ct))!;

    /// <summary>Takes a session advisory lock if no other instance holds it: null when one does.</summary>
    public Task<IAsyncDisposable?> TryLockAsync(long key, CancellationToken ct) =>
        TakeAsync(key, $"SELECT pg_try_advisory_lock({key})", ct);

    private async Task<IAsyncDisposable?> TakeAsync(long key, string sql, CancellationToken ct)
    {
        if (_postgres is null)
        {
            return new HeldLock(null, key);
        }

        var connection = await _postgres.OpenConnectionAsync(ct);
        try
        {
            await using var take = connection.Command(sql);
            if (await take.ExecuteScalarAsync(ct) is false)
            {
                await connection.DisposeAsync();
                return null;
            }

            return new HeldLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _postgres?.Dispose();

    /// <summary>A held session lock (or, on SQLite, the one instance's permission); disposing releases it.</summary>
    private sealed class HeldLock(DbConnection? connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection is null)
            {
                return;
            }

            await using (var release = connection.Command($"SELECT pg_advisory_unlock({key})"))
            {
                await release.ExecuteScalarAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
