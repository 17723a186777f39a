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

    /// <summary>Waits for <see cref="StartupLock"/> on PostgreSQL (SQLite has one instance); dispose to release it.</summary>
    public async Task<IAsyncDisposable> StartupLockAsync(CancellationToken ct)
    {
        if (_postgres is null)
        {
            return new HeldLock(null);
        }

        var connection = await _postgres.OpenConnectionAsync(ct);
        try
        {
            await using var take = connection.Command($"SELECT pg_advisory_lock({StartupLock})");
            await take.ExecuteScalarAsync(ct);
            return new HeldLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _postgres?.Dispose();

    /// <summary>A session lock: released explicitly, and by PostgreSQL if the instance dies holding it.</summary>
    private sealed class HeldLock(DbConnection? connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection is null)
            {
                return;
            }

            await using (var release = connection.Command($"SELECT pg_advisory_unlock({StartupLock})"))
            {
                await release.ExecuteScalarAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
