using System.Data.Common;

namespace Avrr.Bot.Persistence;

public sealed partial class StoreWriter
{
    /// <summary>
    /// One unit's hold on the writer. <see cref="BeginAsync"/>, then <see cref="CommitAsync"/> or
    /// <see cref="RollbackAsync"/> (possibly several times, for a unit that retries), then always <see cref="ReleaseAsync"/>,
    /// which returns when what was committed is durable.
    /// </summary>
    public sealed class WriteLease
    {
        private readonly StoreWriter _writer;
        private readonly bool _ownsConnection;
        private DbTransaction? _own;
        private bool _committed;
        private bool _open;

        internal WriteLease(StoreWriter writer, DbConnection connection, bool ownsConnection)
        {
            _writer = writer;
            Connection = connection;
            _ownsConnection = ownsConnection;
        }

        public DbConnection Connection { get; }

        /// <summary>The transaction the unit's commands run in (on SQLite, the batch's).</summary>
        public DbTransaction Transaction => (_ownsConnection ? _own : _writer._transaction) ?? throw new InvalidOperationException("The unit has not begun.");

        public async Task BeginAsync(CancellationToken ct)
        {
            if (_ownsConnection)
            {
                _own = await Connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
            }
            else
            {
                await _writer.BeginSharedAsync(ct);
            }

            _open = true;
        }

        public async Task CommitAsync(CancellationToken ct)
        {
            if (_ownsConnection)
            {
                await _own!.CommitAsync(ct);
                await _own.DisposeAsync();
                _own = null;
            }
            else
            {
                await _writer.CommitSharedAsync(ct);
            }

            _open = false;
            _committed = true;
        }

        public async Task RollbackAsync()
        {
            if (!_open)
            {
                return;
            }

            _open = false;
            if (_ownsConnection)
            {
                try
                {
                    await _own!.RollbackAsync(CancellationToken.None);
                }
                finally
                {
                    await _own!.DisposeAsync();
                    _own = null;
                }
            }
            else
            {
                await _writer.RollbackSharedAsync();
            }
        }

        /// <param name="broken">A statement failed: the unit's open work is rolled back, and the connection not trusted.</param>
        public async ValueTask ReleaseAsync(bool broken)
        {
            if (_ownsConnection)
            {
                try
                {
                    await RollbackAsync();
                }
                finally
                {
                    await Connection.DisposeAsync();
                }

                return;
            }

            var open = _open;
            _open = false;
            if (open && !broken)
            {
                try
                {
                    await _writer.RollbackSharedAsync();
                }
                catch (Exception ex) when (ex is DbException or InvalidOperationException)
                {
                    broken = true;
                }
            }

            await _writer.EndUnitAsync(_committed, broken && open);
        }
    }
}
