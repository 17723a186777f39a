using System.Collections.Concurrent;
using Avrr.Bot.Persistence;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Knowledge;

/// <summary>
/// The published content as the conversations see it: the current version, swapped atomically when an
/// administrator publishes or rolls back (on this instance at once, on the others at their next refresh), and any
/// earlier version a running conversation still uses.
/// </summary>
public sealed partial class PublishedKnowledge(IDbContextFactory<AvrrDbContext> contexts, ILogger<PublishedKnowledge> logger) : IKnowledgeSource, IDisposable
{
    public const string CurrentSetting = "knowledge.current";

    private readonly ConcurrentDictionary<string, IKnowledgeSnapshot> _versions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private Published? _current;

    private sealed record Published(long Id, IKnowledgeSnapshot Snapshot);

    public IKnowledgeSnapshot Current => (Volatile.Read(ref _current) ?? throw new InvalidOperationException("The published knowledge has not been loaded yet.")).Snapshot;

    public void Dispose() => _refreshing.Dispose();

    public long CurrentId => Volatile.Read(ref _current)?.Id ?? 0;

    public IKnowledgeSnapshot? Find(string version)
    {
        if (_versions.TryGetValue(version, out var snapshot))
        {
            return snapshot;
        }

        // Rare: a conversation pinned to a version this instance has not loaded (it started on another instance or
        // before a restart). Loaded once, then served from memory.
        using var db = contexts.CreateDbContext();
        var record = db.KnowledgeVersions.AsNoTracking().FirstOrDefault(v => v.Label == version);
        return record is null ? null : Remember(record);
    }

    /// <summary>Reads which version is current and loads it when it changed; true when it changed.</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        await _refreshing.WaitAsync(ct);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var pointer = await db.HostSettings.AsNoTracking().Where(s => s.Key == CurrentSetting).Select(s => s.Value).FirstOrDefaultAsync(ct);
            if (pointer is null || !long.TryParse(pointer, System.Globalization.CultureInfo.InvariantCulture, out var id) || id == CurrentId)
            {
                return false;
            }

            var record = await db.KnowledgeVersions.AsNoTracking().FirstAsync(v => v.Id == id, ct);
            var snapshot = Remember(record);
            Volatile.Write(ref _current, new Published(id, snapshot));
            Log.Switched(logger, record.Label);
            return true;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private IKnowledgeSnapshot Remember(KnowledgeVersionRecord record) =>
        _versions.GetOrAdd(record.Label, _ =>
        {
            var (snapshot, diagnostics) = KnowledgeLoader.LoadPublished(ContentSet.Deserialize(record.Files), record.Label);
            return snapshot ?? throw new InvalidContentException(diagnostics);
        });

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Knowledge version {Version} is now current")]
        public static partial void Switched(ILogger logger, string version);
    }
}

/// <summary>Picks up versions published on other instances.</summary>
internal sealed partial class PublishedKnowledgeRefresher(PublishedKnowledge knowledge, Microsoft.Extensions.Options.IOptions<KnowledgeOptions> options, TimeProvider time, ILogger<PublishedKnowledgeRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.RefreshSeconds)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await knowledge.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The current version stays in place; the next tick tries again.
                RefreshFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Refreshing the published knowledge failed; the current version stays")]
    private static partial void RefreshFailed(ILogger logger, Exception exception);
}
