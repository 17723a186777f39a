using Avrr.Bot.Persistence;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Knowledge;

/// <summary>Validating, previewing and publishing a draft (with a second approval when required), publishing files directly, and rolling back.</summary>
public sealed partial class KnowledgeStore
{
    /// <summary>The draft's files validated as they would be published.</summary>
    public async Task<IReadOnlyList<ContentDiagnostic>> ValidateAsync(long draftId, CancellationToken ct)
    {
        var view = await DraftAsync(draftId, ct);
        return KnowledgeLoader.Load(view.Files).Diagnostics;
    }

    /// <summary>The draft as a snapshot, for previewing a conversation before publishing.</summary>
    public async Task<IKnowledgeSnapshot> PreviewSnapshotAsync(long draftId, CancellationToken ct)
    {
        var view = await DraftAsync(draftId, ct);
        var (snapshot, diagnostics) = KnowledgeLoader.Load(view.Files, $"draft-{draftId}", acceptPolicyErrors: true);
        return snapshot ?? throw new KnowledgeEditException("The draft has errors; a conversation cannot be previewed until they are fixed.", diagnostics);
    }

    /// <summary>
    /// Publishes the draft, or when a second approval is required and nobody has asked yet, submits it for approval.
    /// The submitter cannot approve their own draft.
    /// </summary>
    /// <returns>The new version, or null when the draft now waits for approval.</returns>
    public async Task<KnowledgeVersionRecord?> PublishAsync(long draftId, string actor, string? note, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var draft = await db.KnowledgeDrafts.FirstOrDefaultAsync(d => d.Id == draftId, ct) ?? throw new KnowledgeEditException($"Draft {draftId} does not exist.");
        if (draft.Status is DraftStatus.Published or DraftStatus.Discarded)
        {
            throw new KnowledgeEditException($"Draft {draftId} is {draft.Status.ToString().ToLowerInvariant()}.");
        }

        var files = await MergedOntoCurrentAsync(db, draft, ct);
        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        if (snapshot is null)
        {
            throw new KnowledgeEditException("The draft has errors and cannot be published.", diagnostics);
        }

        if (RequiresSecondApproval && draft.Status == DraftStatus.Open)
        {
            draft.Status = DraftStatus.AwaitingApproval;
            draft.SubmittedBy = actor;
            draft.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
            audit.Add(db, actor, "draft.submit", $"draft {draftId}", note);
            await db.SaveChangesAsync(ct);
            return null;
        }

        if (RequiresSecondApproval && string.Equals(draft.SubmittedBy, actor, StringComparison.OrdinalIgnoreCase))
        {
            throw new KnowledgeEditException("A second administrator must approve this draft: you submitted it.");
        }

        var version = await InsertVersionAsync(db, files, actor, note ?? draft.Title, draftId, ct);
        draft.Status = DraftStatus.Published;
        draft.PublishedVersionId = version.Id;
        draft.UpdatedAt = version.CreatedAt;
        audit.Add(db, actor, RequiresSecondApproval ? "draft.approve_publish" : "draft.publish", $"version {version.Label}", $"draft {draftId}: {draft.Title}");
        await db.SaveChangesAsync(ct);
        await published.RefreshAsync(ct);
        return version;
    }

    /// <summary>Publishes a file set directly (the shipped content at first start).</summary>
    internal async Task<KnowledgeVersionRecord> PublishFilesAsync(IReadOnlyDictionary<string, string> files, string actor, string note, CancellationToken ct)
    {
        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        if (snapshot is null)
        {
            throw new InvalidContentException(diagnostics);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var version = await InsertVersionAsync(db, files, actor, note, null, ct);
        audit.Add(db, actor, "version.publish_files", $"version {version.Label}", note);
        await db.SaveChangesAsync(ct);
        await published.RefreshAsync(ct);
        return version;
    }

    private static async Task<Dictionary<string, string>> MergedOntoCurrentAsync(AvrrDbContext db, KnowledgeDraftRecord draft, CancellationToken ct)
    {
        var changes = ContentSet.DeserializeChanges(draft.Changes);
        var baseFiles = ContentSet.Deserialize((await db.KnowledgeVersions.AsNoTracking().FirstAsync(v => v.Id == draft.BaseVersionId, ct)).Files);
        var currentId = await CurrentIdAsync(db, ct);
        if (currentId == draft.BaseVersionId)
        {
            return ContentSet.Apply(baseFiles, changes);
        }

        // Someone published since this draft started: its changes apply on top, unless they touch the same files.
        var current = ContentSet.Deserialize((await db.KnowledgeVersions.AsNoTracking().FirstAsync(v => v.Id == currentId, ct)).Files);
        var conflicts = changes.Keys.Where(p => baseFiles.GetValueOrDefault(p) != current.GetValueOrDefault(p)).ToList();
        if (conflicts.Count > 0)
        {
            throw new KnowledgeEditException($"These files changed in a version published after this draft started: {string.Join(", ", conflicts)}. Start a new draft from the current version and make the change again.");
        }

        return ContentSet.Apply(current, changes);
    }

    private async Task<KnowledgeVersionRecord> InsertVersionAsync(AvrrDbContext db, IReadOnlyDictionary<string, string> files, string actor, string? note, long? draftId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var manifest = KnowledgeLoader.ManifestVersion(files) ?? "content";
        var version = new KnowledgeVersionRecord
        {
            Label = "pending-" + Guid.NewGuid().ToString("N"),
            Files = ContentSet.Serialize(files),
            ContentHash = ContentSet.Hash(files),
            Note = note is { Length: > 1000 } ? note[..1000] : note,
            CreatedBy = actor,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            DraftId = draftId,
        };
        db.KnowledgeVersions.Add(version);
        await db.SaveChangesAsync(ct);
        // The manifest's own label the first time; later revisions of the same manifest version get a suffix.
        version.Label = await db.KnowledgeVersions.AnyAsync(v => v.Label == manifest, ct) ? $"{manifest}-r{version.Id}" : manifest;
        await db.SaveChangesAsync(ct);
        await SetCurrentAsync(db, version.Id, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return version;
    }

    private static async Task SetCurrentAsync(AvrrDbContext db, long versionId, CancellationToken ct)
    {
        var setting = await db.HostSettings.FirstOrDefaultAsync(s => s.Key == PublishedKnowledge.CurrentSetting, ct);
        var value = versionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (setting is null)
        {
            db.HostSettings.Add(new HostSettingRecord { Key = PublishedKnowledge.CurrentSetting, Value = value });
        }
        else
        {
            setting.Value = value;
        }
    }

    private static async Task<long> CurrentIdAsync(AvrrDbContext db, CancellationToken ct)
    {
        var value = await db.HostSettings.AsNoTracking().Where(s => s.Key == PublishedKnowledge.CurrentSetting).Select(s => s.Value).FirstOrDefaultAsync(ct);
        return value is null ? 0 : long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Makes an earlier version current again. Conversations keep whichever version they started with.</summary>
    public async Task RollbackAsync(long versionId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var version = await db.KnowledgeVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, ct) ?? throw new KnowledgeEditException($"Version {versionId} does not exist.");
        var from = published.CurrentId;
        await SetCurrentAsync(db, versionId, ct);
        audit.Add(db, actor, "version.rollback", $"version {version.Label}", $"from version id {from}");
        await db.SaveChangesAsync(ct);
        await published.RefreshAsync(ct);
    }
}
