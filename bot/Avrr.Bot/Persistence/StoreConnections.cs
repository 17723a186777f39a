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

    public void Dispose() => _postgres?.Dispose();
}
