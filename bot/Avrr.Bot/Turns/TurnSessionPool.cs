using Avrr.Bot.Persistence;

namespace Avrr.Bot.Turns;

/// <summary>
/// Hands out turn sessions. SQLite has one writer: one long-lived connection with its prepared commands, taken in
/// turn. PostgreSQL has many: a pooled connection per turn, and the version check arbitrates between instances.
/// </summary>
internal sealed class TurnSessionPool(StoreConnections connections) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private TurnSession? _shared;

    public async ValueTask<Lease> AcquireAsync(CancellationToken ct)
    {
        if (!connections.SingleWriter)
        {
            return new Lease(new TurnSession(await connections.OpenAsync(ct), ownsConnection: true, serializeAcrossInstances: true), null);
        }

        await _writer.WaitAsync(ct);
        try
        {
            _shared ??= new TurnSession(await connections.OpenAsync(ct), ownsConnection: true, serializeAcrossInstances: false);
            return new Lease(_shared, this);
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    private async ValueTask ReleaseAsync(TurnSession session, bool broken)
    {
        if (broken)
        {
            // A failed connection is not reused: the next turn opens a fresh one.
            _shared = null;
            await session.DisposeAsync();
        }
        else
        {
            await session.RollbackAsync();
        }

        _writer.Release();
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.WaitAsync();
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
            _shared = null;
        }

        _writer.Release();
    }

    internal readonly struct Lease(TurnSession session, TurnSessionPool? pool)
    {
        public TurnSession Session => session;

        public ValueTask ReleaseAsync(bool broken) => pool is null ? session.DisposeAsync() : pool.ReleaseAsync(session, broken);
    }
}
