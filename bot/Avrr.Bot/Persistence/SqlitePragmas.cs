using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Avrr.Bot.Persistence;

/// <summary>Per-connection PRAGMAs, set once when a connection opens rather than on every turn.</summary>
internal static class SqlitePragmas
{
    /// <remarks>
    /// <c>secure_delete</c> overwrites deleted content with zeros, so an erased person's ciphertext and data key do not
    /// linger in free pages of the database file.
    /// </remarks>
    public static string PerConnection(SqliteSynchronous synchronous) =>
        $"PRAGMA synchronous={(synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")}; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA secure_delete=ON;";

    /// <summary>WAL is a property of the database file: set once at start-up, it sticks.</summary>
    public const string OncePerDatabase = "PRAGMA journal_mode=WAL;";

    public static void Apply(SqliteConnection connection, SqliteSynchronous synchronous)
    {
        using var command = connection.CreateCommand();
        command.CommandText = PerConnection(synchronous);
        command.ExecuteNonQuery();
    }
}

internal sealed class SqlitePragmaInterceptor(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection sqlite)
        {
            SqlitePragmas.Apply(sqlite, synchronous);
        }
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionOpened(connection, eventData);
        return Task.CompletedTask;
    }
}
