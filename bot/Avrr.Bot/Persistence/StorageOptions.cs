using System.ComponentModel.DataAnnotations;

namespace Avrr.Bot.Persistence;

public enum StorageProvider { Sqlite, Postgres }

/// <summary>SQLite's durability per commit in WAL mode (the SQLite documentation on WAL).</summary>
public enum SqliteSynchronous { Normal, Full }

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (default, one instance) or <c>Postgres</c> (several instances).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// FULL syncs the WAL on every commit (survives power loss); NORMAL survives process crashes only.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>Resolved connection string (from <c>ConnectionStrings:Avrr</c>, or the SQLite default).</summary>
    [Required]
    public string ConnectionString { get; set; } = "";
}
