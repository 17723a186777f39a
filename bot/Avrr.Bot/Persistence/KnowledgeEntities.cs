using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Avrr.Bot.Persistence;

/// <summary>
/// One published content version: the whole file set, immutable. Conversations keep the version they started
/// with, so rows are never changed or deleted; which one is current is the host setting <c>knowledge.current</c>.
/// </summary>
public sealed class KnowledgeVersionRecord
{
    public long Id { get; set; }
    /// <summary>The snapshot's version: the manifest version and this row's number, e.g. <c>2026.11.1-r3</c>.</summary>
    public required string Label { get; set; }
    /// <summary>The <c>knowledge/content</c> files as JSON (relative path → text).</summary>
    public required string Files { get; set; }
    public required string ContentHash { get; set; }
    public string? Note { get; set; }
    public required string CreatedBy { get; set; }
    public long CreatedAt { get; set; }
    public long? DraftId { get; set; }
}

public enum DraftStatus { Open = 0, AwaitingApproval = 1, Published = 2, Discarded = 3 }

/// <summary>Changes to a base version that are not yet published: only the changed files, as JSON (path → text, null when deleted).</summary>
public sealed class KnowledgeDraftRecord
{
    public long Id { get; set; }
    public required string Title { get; set; }
    public long BaseVersionId { get; set; }
    public required string Changes { get; set; }
    public DraftStatus Status { get; set; }
    public required string CreatedBy { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public string? SubmittedBy { get; set; }
    public long? PublishedVersionId { get; set; }
}

/// <summary>Who did what, when: every staff action that changes content, accounts or cases.</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }
    public long At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
    public string? Detail { get; set; }
}

internal sealed class KnowledgeVersionConfiguration : IAvrrEntityConfiguration<KnowledgeVersionRecord>
{
    public void Configure(EntityTypeBuilder<KnowledgeVersionRecord> e)
    {
        e.ToTable("knowledge_versions");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Label).HasColumnName("label").HasMaxLength(100);
        e.Property(x => x.Files).HasColumnName("files");
        e.Property(x => x.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
        e.Property(x => x.Note).HasColumnName("note").HasMaxLength(1000);
        e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.DraftId).HasColumnName("draft_id");
        e.HasIndex(x => x.Label).IsUnique().HasDatabaseName("ux_knowledge_versions_label");
    }
}

internal sealed class KnowledgeDraftConfiguration : IAvrrEntityConfiguration<KnowledgeDraftRecord>
{
    public void Configure(EntityTypeBuilder<KnowledgeDraftRecord> e)
    {
        e.ToTable("knowledge_drafts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Title).HasColumnName("title").HasMaxLength(200);
        e.Property(x => x.BaseVersionId).HasColumnName("base_version_id");
        e.Property(x => x.Changes).HasColumnName("changes");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.Property(x => x.SubmittedBy).HasColumnName("submitted_by").HasMaxLength(256);
        e.Property(x => x.PublishedVersionId).HasColumnName("published_version_id");
        e.HasIndex(x => x.Status).HasDatabaseName("ix_knowledge_drafts_status");
    }
}

internal sealed class AuditConfiguration : IAvrrEntityConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> e)
    {
        e.ToTable("audit_log");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.At).HasColumnName("at");
        e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(256);
        e.Property(x => x.Action).HasColumnName("action").HasMaxLength(64);
        e.Property(x => x.Target).HasColumnName("target").HasMaxLength(300);
        e.Property(x => x.Detail).HasColumnName("detail").HasMaxLength(4000);
        e.HasIndex(x => x.At).HasDatabaseName("ix_audit_log_at");
    }
}
