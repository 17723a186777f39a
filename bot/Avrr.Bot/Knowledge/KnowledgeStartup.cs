using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Knowledge;

/// <summary>
/// Brings the shipped content (<c>Knowledge:ContentPath</c>) into the store before traffic: on first start it becomes
/// the first published version. When the shipped files change later (an upgrade, or edits in git), they are published
/// too, unless administrators have published their own changes since; then they arrive as a draft to review, so
/// nobody's work is overwritten.
/// </summary>
internal sealed partial class KnowledgeStartup(
    KnowledgeStore store,
    PublishedKnowledge published,
    IDbContextFactory<AvrrDbContext> contexts,
    IOptions<KnowledgeOptions> options,
    ILogger<KnowledgeStartup> logger) : IStartupStep
{
    private const string ShippedHashSetting = "knowledge.shipped_hash";
    public const string SystemActor = "system (shipped content)";

    public async Task RunAsync(CancellationToken ct)
    {
        var path = options.Value.ResolvedContentPath;
        var shipped = KnowledgeLoader.ReadDirectory(path);
        var hash = ContentSet.Hash(shipped);
        await published.RefreshAsync(ct);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var recorded = await db.HostSettings.FirstOrDefaultAsync(s => s.Key == ShippedHashSetting, ct);
        if (recorded?.Value == hash && published.CurrentId != 0)
        {
            return;
        }

        var lastVersion = await db.KnowledgeVersions.AsNoTracking().OrderByDescending(v => v.Id).Select(v => new { v.Id, v.CreatedBy }).FirstOrDefaultAsync(ct);
        var currentIsShipped = published.CurrentId == 0 || lastVersion is { CreatedBy: SystemActor } && lastVersion.Id == published.CurrentId;
        if (currentIsShipped)
        {
            var version = await store.PublishFilesAsync(shipped, SystemActor, $"Shipped content from {path}", ct);
            Log.Published(logger, version.Label, path);
        }
        else
        {
            var current = ContentSet.Deserialize((await store.VersionAsync(published.CurrentId, ct)).Files);
            var draft = await store.CreateDraftAsync($"Shipped content {KnowledgeLoader.ManifestVersion(shipped)} (from files)", SystemActor, ct, ContentSet.Changes(current, shipped));
            Log.Drafted(logger, path, draft);
        }

        if (recorded is null)
        {
            db.HostSettings.Add(new HostSettingRecord { Key = ShippedHashSetting, Value = hash });
        }
        else
        {
            recorded.Value = hash;
        }

        await db.SaveChangesAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Published the shipped knowledge content as version {Version} (from {Path})")]
        public static partial void Published(ILogger logger, string version, string path);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "The shipped knowledge content in {Path} changed, but administrators have published their own changes: it was saved as draft {DraftId} for review in /admin")]
        public static partial void Drafted(ILogger logger, string path, long draftId);
    }
}
