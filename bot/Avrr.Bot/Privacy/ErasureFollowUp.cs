using System.Threading.Channels;
using Avrr.Bot.Persistence;

namespace Avrr.Bot.Privacy;

/// <summary>
/// After an erasure commits, SQLite's write-ahead log still holds earlier images of the changed pages, the old data key
/// among them. A TRUNCATE checkpoint copies the current pages into the database file (where <c>secure_delete</c> has
/// zeroed what was deleted) and empties the log. PostgreSQL needs the operator's VACUUM instead (docs/security.md).
/// </summary>
public sealed partial class ErasureFollowUp(StoreConnections connections, TimeProvider time, ILogger<ErasureFollowUp> logger) : BackgroundService
{
    private const int Attempts = 20;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _completed;

    /// <summary>How many checkpoints have emptied the log (tests wait on it).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    public void Erased()
    {
        if (connections.Provider == StorageProvider.Sqlite)
        {
            _requests.Writer.TryWrite(true);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _requests.Reader.WaitToReadAsync(stoppingToken))
            {
                _requests.Reader.TryRead(out _);
                await CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs a TRUNCATE checkpoint until no reader holds an old snapshot (a bounded number of tries).</summary>
    public async Task<bool> CheckpointAsync(CancellationToken ct)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            try
            {
                await using var connection = await connections.OpenAsync(ct);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await using var reader = await command.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct) && reader.GetInt32(0) == 0)
                {
                    Interlocked.Increment(ref _completed);
                    return true;
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
            {
                // SQLITE_BUSY / SQLITE_LOCKED: a turn is writing; try again shortly.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }

        Log.CheckpointBusy(logger);
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "After an erasure the SQLite log could not be emptied (readers kept it busy); it will be at the next erasure or retention sweep")]
        public static partial void CheckpointBusy(ILogger logger);
    }
}
