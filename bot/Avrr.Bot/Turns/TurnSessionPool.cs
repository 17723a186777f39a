using Avrr.Bot.Persistence;

namespace Avrr.Bot.Turns;

/// <summary>
/// Hands out turn sessions over the store's writer. SQLite has one writer: one long-lived session with its prepared
/// commands on the writer's connection, taken in turn, its turns sharing commits (<see cref="StoreWriter"/>).
/// PostgreSQL has many: a pooled connection per turn, and the version check arbitrates between instances.
/// </summary>
internal sealed class TurnSessionPool(StoreWriter writer) : IAsyncDisposable
{
    // Only touched while the writer is held (SQLite), so it needs no lock of its own.
    private TurnSession? _shared;

    public async ValueTask<Lease> AcquireAsync(CancellationToken ct)
    {
        var hold = await writer.AcquireAsync(ct);
        TurnSession session;
        if (!writer.GroupsCommits)
        {
            session = new TurnSession(hold.Connection, serializeAcrossInstances: true);
        }
        else
        {
            if (!ReferenceEquals(_shared?.Connection, hold.Connection))
            {
                // The writer replaced a failed connection: commands prepared on the old one are no use.
                if (_shared is not null)
                {
                    await _shared.DisposeAsync();
                }

                _shared = new TurnSession(hold.Connection, serializeAcrossInstances: false);
            }

            session = _shared;
        }

        session.Lease = hold;
        return new Lease(session, hold, owned: !writer.GroupsCommits);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
            _shared = null;
        }
    }

    internal readonly struct Lease(TurnSession session, StoreWriter.WriteLease hold, bool owned)
    {
        public TurnSession Session => session;

        /// <summary>Ends the turn's hold on the writer; returns once what the turn committed is durable.</summary>
        public async ValueTask ReleaseAsync(bool broken)
        {
            session.Lease = null;
            if (owned)
            {
                await session.DisposeAsync();
            }

            await hold.ReleaseAsync(broken);
        }
    }
}
