using Avrr.Bot.Audit;
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
    AuditTrail audit,
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
        audit.Add(db, actor, "draft.create", $"draft {draft.Id}", draft.Title);
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
                : ContentFiles.ComposeArticleTranslation(original, source.FindArticle(id, language) is { IsFallback: false } current ? current : null, title, body, reviewed);
        }, ct, path: $"articles/{language}/{id}.md");

    public async Task DiscardAsync(long draftId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var draft = await OpenDraftAsync(db, draftId, ct);
        draft.Status = DraftStatus.Discarded;
        draft.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        audit.Add(db, actor, "draft.discard", $"draft {draftId}", draft.Title);
        await db.SaveChangesAsync(ct);
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

        audit.Add(db, actor, action, target, $"draft {draftId}");
        await db.SaveChangesAsync(ct);
    }

    private static async Task<KnowledgeDraftRecord> OpenDraftAsync(AvrrDbContext db, long draftId, CancellationToken ct)
    {
        var draft = await db.KnowledgeDrafts.FirstOrDefaultAsync(d => d.Id == draftId, ct) ?? throw new KnowledgeEditException($"Draft {draftId} does not exist.");
        return draft.Status is DraftStatus.Open or DraftStatus.AwaitingApproval
            ? draft
            : throw new KnowledgeEditException($"Draft {draftId} is {draft.Status.ToString().ToLowerInvariant()} and can no longer be changed.");
    }
}
