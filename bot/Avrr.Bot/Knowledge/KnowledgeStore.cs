using Avrr.Bot.Hosting;
using Avrr.Bot.Persistence;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Knowledge;

/// <summary>A refused content operation, with a message for the administrator and any validation problems.</summary>
public sealed class KnowledgeEditException(string message, IReadOnlyList<ContentDiagnostic>? diagnostics = null) : Exception(message)
{
    public IReadOnlyList<ContentDiagnostic> Diagnostics { get; } = diagnostics ?? [];
}

public sealed record DraftView(KnowledgeDraftRecord Record, KnowledgeVersionRecord Base, IReadOnlyDictionary<string, string?> Changes, IReadOnlyDictionary<string, string> Files);

public sealed record FileDiff(string Path, IReadOnlyList<DiffLine> Lines, bool Added, bool Removed);

/// <summary>
/// The administrators' workflow over content versions: drafts of changed files, translation edits and approvals,
/// validation, publishing (optionally after a second administrator's approval), rollback, diff, import and export,
/// each step written to the audit trail.
/// </summary>
public sealed partial class KnowledgeStore(
    IDbContextFactory<AvrrDbContext> contexts,
    PublishedKnowledge published,
    IOptions<KnowledgeOptions> options,
    TimeProvider time)
{
    public bool RequiresSecondApproval => options.Value.RequireSecondApproval;

    public async Task<IReadOnlyList<KnowledgeVersionRecord>> VersionsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.KnowledgeVersions.AsNoTracking().OrderByDescending(v => v.Id)
            .Select(v => new KnowledgeVersionRecord { Id = v.Id, Label = v.Label, Files = "", ContentHash = v.ContentHash, Note = v.Note, CreatedBy = v.CreatedBy, CreatedAt = v.CreatedAt, DraftId = v.DraftId })
            .ToListAsync(ct);
    }

    public async Task<KnowledgeVersionRecord> VersionAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.KnowledgeVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, ct) ?? throw new KnowledgeEditException($"Version {id} does not exist.");
    }

    public async Task<IReadOnlyList<KnowledgeDraftRecord>> DraftsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.KnowledgeDrafts.AsNoTracking().OrderByDescending(d => d.Id).ToListAsync(ct);
    }

    public async Task<DraftView> DraftAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var draft = await db.KnowledgeDrafts.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new KnowledgeEditException($"Draft {id} does not exist.");
        var baseVersion = await db.KnowledgeVersions.AsNoTracking().FirstAsync(v => v.Id == draft.BaseVersionId, ct);
        var changes = ContentSet.DeserializeChanges(draft.Changes);
        return new DraftView(draft, baseVersion, changes, ContentSet.Apply(ContentSet.Deserialize(baseVersion.Files), changes));
    }

    public async Task<long> CreateDraftAsync(string title, string actor, CancellationToken ct, IReadOnlyDictionary<string, string?>? changes = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var draft = new KnowledgeDraftRecord
        {
            Title = string.IsNullOrWhiteSpace(title) ? "Draft" : title.Trim()[..Math.Min(200, title.Trim().Length)],
            BaseVersionId = published.CurrentId,
            Changes = ContentSet.SerializeChanges(changes ?? new Dictionary<string, string?>()),
            Status = DraftStatus.Open,
            CreatedBy = actor,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.KnowledgeDrafts.Add(draft);
        await db.SaveChangesAsync(ct);
        Audit(db, actor, "draft.create", $"draft {draft.Id}", draft.Title);
        await db.SaveChangesAsync(ct);
        return draft.Id;
    }

    /// <summary>Replaces (or with null, deletes) one file of an open draft.</summary>
    public Task SaveFileAsync(long draftId, string path, string? text, string actor, CancellationToken ct)
    {
        if (!ContentSet.IsValidPath(path))
        {
            throw new KnowledgeEditException($"'{path}' is not a path in the content layout (for example articles/ar/help.md).");
        }

        if (text is { Length: > YamlLimits.MaxCharacters })
        {
            throw new KnowledgeEditException($"'{path}' is larger than {YamlLimits.MaxCharacters / 1000} KB; content files are much smaller.");
        }

        return ChangeAsync(draftId, actor, text is null ? "draft.delete_file" : "draft.file", path, _ => text, ct);
    }

    /// <summary>Sets a UI string; in a translation it records the current source text and whether a person reviewed it.</summary>
    public Task SetStringAsync(long draftId, string language, string key, string text, bool reviewed, string actor, CancellationToken ct) =>
        ChangeAsync(draftId, actor, reviewed ? "translation.review" : "string.edit", $"strings/{language}.yaml#{key}", files =>
        {
            var review = KnowledgeLoader.Review(files);
            var path = $"strings/{language}.yaml";
            if (language == review.SourceLanguage)
            {
                return ContentFiles.SetString(files.GetValueOrDefault(path), language, key, text, null, reviewed: true);
            }

            var original = review.Entries.FirstOrDefault(e => e.Kind == ReviewEntryKind.UiString && e.Key == key)
                ?? throw new KnowledgeEditException($"'{key}' is not a string of the source language.");
            return ContentFiles.SetString(files.GetValueOrDefault(path), language, key, text, original.SourceHash, reviewed);
        }, ct, path: $"strings/{language}.yaml");

    /// <summary>Writes an article in a language; a translation is linked to the current source article.</summary>
    public Task SetArticleAsync(long draftId, string language, string id, string title, string body, bool reviewed, string actor, CancellationToken ct) =>
        ChangeAsync(draftId, actor, reviewed ? "translation.review" : "article.edit", $"articles/{language}/{id}.md", files =>
        {
            var (snapshot, diagnostics) = KnowledgeLoader.Load(files, acceptPolicyErrors: true);
            var source = snapshot ?? throw new KnowledgeEditException("The draft has errors; fix them before editing articles.", diagnostics);
            var original = source.FindArticle(id, source.SourceLanguage);
            if (original is null || original.Language != source.SourceLanguage)
            {
                throw new KnowledgeEditException($"Article '{id}' does not exist in the source language.");
            }

            return language == source.SourceLanguage
                ? ContentFiles.ComposeArticle(original, title, body)
                : ContentFiles.ComposeArticleTranslation(original, title, body, reviewed);
        }, ct, path: $"articles/{language}/{id}.md");

    public async Task DiscardAsync(long draftId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var draft = await OpenDraftAsync(db, draftId, ct);
        draft.Status = DraftStatus.Discarded;
        draft.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        Audit(db, actor, "draft.discard", $"draft {draftId}", draft.Title);
        await db.SaveChangesAsync(ct);
    }

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
            Audit(db, actor, "draft.submit", $"draft {draftId}", note);
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
        Audit(db, actor, RequiresSecondApproval ? "draft.approve_publish" : "draft.publish", $"version {version.Label}", $"draft {draftId}: {draft.Title}");
        await db.SaveChangesAsync(ct);
        await published.RefreshAsync(ct);
        return version;
    }

    public async Task<IReadOnlyList<AuditRecord>> AuditAsync(int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Id).Take(max).ToListAsync(ct);
    }

    public async Task AuditAsync(string actor, string action, string target, string? detail, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        Audit(db, actor, action, target, detail);
        await db.SaveChangesAsync(ct);
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
        Audit(db, actor, "version.publish_files", $"version {version.Label}", note);
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

    private async Task ChangeAsync(long draftId, string actor, string action, string target, Func<IReadOnlyDictionary<string, string>, string?> change, CancellationToken ct, string? path = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var draft = await OpenDraftAsync(db, draftId, ct);
        var changes = ContentSet.DeserializeChanges(draft.Changes);
        var baseFiles = ContentSet.Deserialize((await db.KnowledgeVersions.AsNoTracking().FirstAsync(v => v.Id == draft.BaseVersionId, ct)).Files);
        var file = path ?? target;
        string? text;
        try
        {
            text = change(ContentSet.Apply(baseFiles, changes));
        }
        catch (FormatException ex)
        {
            throw new KnowledgeEditException($"{file} cannot be edited entry by entry until it is valid again ({ex.Message}); open it under 'Any file' and fix it.");
        }

        var unchanged = text is null
            ? !baseFiles.ContainsKey(file)
            : baseFiles.TryGetValue(file, out var original) && original.Replace("\r\n", "\n", StringComparison.Ordinal) == text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (unchanged)
        {
            // Back to the base version (or a new file removed again): no change left to publish.
            changes.Remove(file);
        }
        else
        {
            changes[file] = text;
        }

        draft.Changes = ContentSet.SerializeChanges(changes);
        draft.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (draft.Status == DraftStatus.AwaitingApproval)
        {
            // A change after submission needs a fresh submission: the approver must see what is published.
            draft.Status = DraftStatus.Open;
            draft.SubmittedBy = null;
        }

        Audit(db, actor, action, target, $"draft {draftId}");
        await db.SaveChangesAsync(ct);
    }

    private static async Task<KnowledgeDraftRecord> OpenDraftAsync(AvrrDbContext db, long draftId, CancellationToken ct)
    {
        var draft = await db.KnowledgeDrafts.FirstOrDefaultAsync(d => d.Id == draftId, ct) ?? throw new KnowledgeEditException($"Draft {draftId} does not exist.");
        return draft.Status is DraftStatus.Open or DraftStatus.AwaitingApproval
            ? draft
            : throw new KnowledgeEditException($"Draft {draftId} is {draft.Status.ToString().ToLowerInvariant()} and can no longer be changed.");
    }

    private void Audit(AvrrDbContext db, string actor, string action, string target, string? detail) =>
        db.AuditLog.Add(new AuditRecord
        {
            At = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Actor = actor,
            Action = action,
            Target = target.Length > 300 ? target[..300] : target,
            Detail = detail is { Length: > 4000 } ? detail[..4000] : detail,
        });
}
