using System.Data.Common;
using Avrr.Bot.Common;

namespace Avrr.Bot.Persistence;

/// <summary>
/// The short write transactions of the hot paths: a webhook's acknowledgement, a turn, an outbox result.
/// <para>
/// SQLite has one writer and pays one fsync per commit, so concurrent units share a transaction (group commit) on one
/// connection. Each unit runs inside its own savepoint, so a unit that fails or loses its version check rolls back
/// alone. The batch commits as soon as nobody is waiting for the writer, or when it holds <see cref="MaxUnits"/>
/// units, or when its first unit is <see cref="MaxDelay"/> old. A unit's caller hears of success only once that
/// commit is on disk, so everything acknowledged is durable before its answer, exactly as with one transaction each.
/// </para>
/// <para>
/// PostgreSQL takes a pooled connection and its own transaction per unit: the server already covers commits that
/// arrive together with one WAL flush. Batching there would make units of unrelated conversations wait for each
/// other's row locks, which other instances also take.
/// </para>
/// </summary>
public sealed partial class StoreWriter(StoreConnections connections, TimeProvider time, Telemetry telemetry, ILogger<StoreWriter> logger) : IAsyncDisposable
{
    /// <summary>At most this many units share a commit, so one commit's work (and its wait) stays small.</summary>
    public const int MaxUnits = 128;

    /// <summary>The longest a unit's commit waits for later units while others keep arriving.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(5);

    private const string Savepoint = "unit";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _waiting;
    private DbConnection? _connection;
    private DbTransaction? _transaction;
    private Batch? _batch;
    private bool _unitSavepoint;
    private DbCommand? _save;
    private DbCommand? _release;
    private DbCommand? _rollbackTo;
    private long _batches;
    private long _units;

    /// <summary>True when units share commits (SQLite); on PostgreSQL each unit commits on its own.</summary>
    public bool GroupsCommits => connections.SingleWriter;

    /// <summary>Commits of shared transactions so far (SQLite), for the figures and the metrics.</summary>
    public long CommittedBatches => Interlocked.Read(ref _batches);

    /// <summary>Units those commits carried.</summary>
    public long CommittedUnits => Interlocked.Read(ref _units);

    /// <summary>Units waiting for the writer now.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Runs <paramref name="unit"/> in a write transaction and returns once its effects are durable.</summary>
    public async Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> unit, CancellationToken ct)
    {
        var lease = await AcquireAsync(ct);
        var broken = false;
        try
        {
            await lease.BeginAsync(ct);
            var result = await unit(lease.Connection, lease.Transaction, ct);
            await lease.CommitAsync(ct);
            return result;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            broken = true;
            throw;
        }
        finally
        {
            await lease.ReleaseAsync(broken);
        }
    }

    public async Task RunAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> unit, CancellationToken ct) =>
        await RunAsync(async (connection, transaction, token) =>
        {
            await unit(connection, transaction, token);
            return true;
        }, ct);

    /// <summary>The writer for one unit; release it (and await the release) whatever happens.</summary>
    public async ValueTask<WriteLease> AcquireAsync(CancellationToken ct)
    {
        if (!GroupsCommits)
        {
            return new WriteLease(this, await connections.OpenAsync(ct), ownsConnection: true);
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _waiting);
            // The unit before this one may have left the batch open for it: commit what is there, or nobody will.
            await _gate.WaitAsync(CancellationToken.None);
            await EndUnitAsync(unitCommitted: false, broken: false);
            throw;
        }

        Interlocked.Decrement(ref _waiting);
        try
        {
            _connection ??= await connections.OpenAsync(ct);
            return new WriteLease(this, _connection, ownsConnection: false);
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    private async Task BeginSharedAsync(CancellationToken ct)
    {
        if (_transaction is null)
        {
            // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is taken up front, so a unit's read-then-write
            // cannot deadlock on a lock upgrade. The batch's first unit needs no savepoint: it is alone in the
            // transaction, so undoing it is undoing the transaction (two statements fewer when nobody else writes).
            _transaction = await _connection!.BeginTransactionAsync(ct);
            _batch = new Batch(time.GetTimestamp());
            _unitSavepoint = false;
            return;
        }

        await SavepointAsync(ref _save, $"SAVEPOINT {Savepoint}", ct);
        _unitSavepoint = true;
    }

    private async Task CommitSharedAsync(CancellationToken ct)
    {
        if (_unitSavepoint)
        {
            await SavepointAsync(ref _release, $"RELEASE {Savepoint}", ct);
        }

        _batch!.Units++;
    }

    private async Task RollbackSharedAsync()
    {
        if (_unitSavepoint)
        {
            await SavepointAsync(ref _rollbackTo, $"ROLLBACK TO {Savepoint}", CancellationToken.None);
            await SavepointAsync(ref _release, $"RELEASE {Savepoint}", CancellationToken.None);
            return;
        }

        // The batch's first unit: the transaction holds nothing else.
        var transaction = _transaction!;
        _transaction = null;
        _batch = null;
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }

    /// <summary>Savepoint statements prepared once per connection: every unit runs two of them.</summary>
    private Task<int> SavepointAsync(ref DbCommand? command, string sql, CancellationToken ct)
    {
        if (command is null || command.Connection != _connection)
        {
            command?.Dispose();
            command = _connection!.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = _transaction;
        return command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Called with the gate held; releases it. Returns the commit to wait for when this unit's work is in it.</summary>
    private async Task EndUnitAsync(bool unitCommitted, bool broken)
    {
        var batch = _batch;
        try
        {
            if (broken && _transaction is not null)
            {
                // One unit's statement failed: its savepoint goes, the batch stays, unless the connection itself is gone.
                try
                {
                    await RollbackSharedAsync();
                }
                catch (Exception ex) when (ex is DbException or InvalidOperationException)
                {
                    await AbandonAsync(ex);
                }
            }

            if (_transaction is not null && batch is not null && ShouldCommit(batch))
            {
                try
                {
                    await _transaction.CommitAsync(CancellationToken.None);
                    await _transaction.DisposeAsync();
                    _transaction = null;
                    _batch = null;
                    Interlocked.Increment(ref _batches);
                    Interlocked.Add(ref _units, batch.Units);
                    telemetry.Commit(batch.Units);
                    batch.Durable.TrySetResult();
                }
                catch (Exception ex) when (ex is DbException or InvalidOperationException)
                {
                    await AbandonAsync(ex);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        if (unitCommitted && batch is not null)
        {
            await batch.Durable.Task;
        }
    }

    private bool ShouldCommit(Batch batch) =>
        Volatile.Read(ref _waiting) == 0 || batch.Units >= MaxUnits || time.GetElapsedTime(batch.Started) >= MaxDelay;

    /// <summary>The batch cannot commit: every unit in it fails (nothing of it was acknowledged), and the connection is replaced.</summary>
    private async Task AbandonAsync(Exception cause)
    {
        Log.BatchFailed(logger, _batch?.Units ?? 0, cause);
        _batch?.Durable.TrySetException(cause);
        _batch = null;
        try
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            Log.BatchFailed(logger, 0, ex);
        }

        _transaction = null;
        _connection = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_transaction is not null)
            {
                await _transaction.CommitAsync();
                await _transaction.DisposeAsync();
                _batch?.Durable.TrySetResult();
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }

            _transaction = null;
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Batch(long started)
    {
        public long Started { get; } = started;

        public int Units { get; set; }

        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "A group commit of {Units} units failed; none of them was acknowledged")]
        public static partial void BatchFailed(ILogger logger, int units, Exception exception);
    }
}
