using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Avrr.Bot.Persistence;

public enum CaseState { Open = 0, Closed = 1 }

/// <summary>
/// A person's request for a counsellor, from hand-off to close. Routing columns are plain so the queue can filter and
/// sort; everything the person said is in <see cref="Summary"/>, sealed with their key (which stays on the conversation
/// row for as long as the summary is kept). At most one open case per conversation (a partial unique index). Erasure
/// deletes the case with its events and notes.
/// </summary>
public sealed class CaseRecord
{
    public long Id { get; set; }
    /// <summary>The short human reference (<c>AV-7K3Q</c>) the person is told and staff search for.</summary>
    public required string Reference { get; set; }
    public required string ConversationId { get; set; }
    public CaseState Status { get; set; }
    public required string Channel { get; set; }
    public string? Language { get; set; }
    public string? Programme { get; set; }
    /// <summary>The highest urgency of the case's escalations (<see cref="Avrr.Dialogs.HandoffUrgency"/>).</summary>
    public int Urgency { get; set; }
    /// <summary>Why the case was opened ("asked for a counsellor", "safeguarding: Trafficking"); never the person's words.</summary>
    public required string Reason { get; set; }
    /// <summary>The Identity user id of the counsellor who owns the case, when one does.</summary>
    public string? Assignee { get; set; }
    public long CreatedAt { get; set; }
    public long? ClaimedAt { get; set; }
    public long? FirstResponseAt { get; set; }
    /// <summary>When the person last wrote while the case was open; when a counsellor last replied.</summary>
    public long? LastInboundAt { get; set; }
    public long? LastReplyAt { get; set; }
    public long? ClosedAt { get; set; }
    public string? Outcome { get; set; }
    public long UpdatedAt { get; set; }
    public long Version { get; set; }
    /// <summary>The case summary JSON from the dialog, sealed with the person's key.</summary>
    public byte[]? Summary { get; set; }
}

/// <summary>
/// The append-only history of a case: who did what and when. No personal text: the detail names staff, outcomes and
/// urgencies, never what the person wrote.
/// </summary>
public sealed class CaseEventRecord
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public long At { get; set; }
    public required string Actor { get; set; }
    public required string Kind { get; set; }
    public string? Detail { get; set; }
}

/// <summary>A counsellor's private note: stored apart from the transcript, sealed, never sent to any channel.</summary>
public sealed class CaseNoteRecord
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string Author { get; set; }
    public long At { get; set; }
    public required byte[] Body { get; set; }
}

/// <summary>A staff member as the console knows them: the name people see, the languages they speak, presence and capacity.</summary>
public sealed class StaffProfileRecord
{
    public required string UserId { get; set; }
    public required string DisplayName { get; set; }
    /// <summary>Language codes, comma-separated (routing and auto-assignment).</summary>
    public string Languages { get; set; } = "";
    /// <summary>The language the console shows answers and labels in.</summary>
    public string? UiLanguage { get; set; }
    public int Capacity { get; set; } = 5;
    public bool Available { get; set; }
    /// <summary>When the console last reported the counsellor connected (auto-assignment only counts those present).</summary>
    public long? LastSeenAt { get; set; }
}

/// <summary>A webhook delivery waiting, retried with back-off until the receiver answers 2xx.</summary>
public sealed class CaseWebhookRecord
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public required string Event { get; set; }
    public long CreatedAt { get; set; }
    public int Attempts { get; set; }
    public long? NextAttemptAt { get; set; }
    public long? DeliveredAt { get; set; }
    public string? LastError { get; set; }
}

internal sealed class CaseConfiguration : IAvrrEntityConfiguration<CaseRecord>
{
    public void Configure(EntityTypeBuilder<CaseRecord> e)
    {
        e.ToTable("cases");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Reference).HasColumnName("reference").HasMaxLength(16);
        e.Property(x => x.ConversationId).HasColumnName("conversation_id").HasMaxLength(200);
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(32);
        e.Property(x => x.Language).HasColumnName("language").HasMaxLength(16);
        e.Property(x => x.Programme).HasColumnName("programme").HasMaxLength(32);
        e.Property(x => x.Urgency).HasColumnName("urgency");
        e.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(200);
        e.Property(x => x.Assignee).HasColumnName("assignee").HasMaxLength(450);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ClaimedAt).HasColumnName("claimed_at");
        e.Property(x => x.FirstResponseAt).HasColumnName("first_response_at");
        e.Property(x => x.LastInboundAt).HasColumnName("last_inbound_at");
        e.Property(x => x.LastReplyAt).HasColumnName("last_reply_at");
        e.Property(x => x.ClosedAt).HasColumnName("closed_at");
        e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(64);
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.Property(x => x.Version).HasColumnName("version");
        e.Property(x => x.Summary).HasColumnName("summary");
        e.HasIndex(x => x.Reference).IsUnique().HasDatabaseName("ux_cases_reference");
        // The rule "at most one open case per conversation" is the database's, not the code's.
        e.HasIndex(x => x.ConversationId).IsUnique().HasDatabaseName("ux_cases_open_conversation").HasFilter("status = 0");
        e.HasIndex(x => new { x.Status, x.Urgency, x.CreatedAt }).HasDatabaseName("ix_cases_queue");
        e.HasIndex(x => new { x.Assignee, x.Status }).HasDatabaseName("ix_cases_assignee");
        e.HasIndex(x => x.ClosedAt).HasDatabaseName("ix_cases_closed_at");
    }
}

internal sealed class CaseEventConfiguration : IAvrrEntityConfiguration<CaseEventRecord>
{
    public void Configure(EntityTypeBuilder<CaseEventRecord> e)
    {
        e.ToTable("case_events");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.CaseId).HasColumnName("case_id");
        e.Property(x => x.At).HasColumnName("at");
        e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(256);
        e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(32);
        e.Property(x => x.Detail).HasColumnName("detail").HasMaxLength(300);
        e.HasIndex(x => new { x.CaseId, x.Id }).HasDatabaseName("ix_case_events_case");
    }
}

internal sealed class CaseNoteConfiguration : IAvrrEntityConfiguration<CaseNoteRecord>
{
    public void Configure(EntityTypeBuilder<CaseNoteRecord> e)
    {
        e.ToTable("case_notes");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.CaseId).HasColumnName("case_id");
        e.Property(x => x.Author).HasColumnName("author").HasMaxLength(450);
        e.Property(x => x.At).HasColumnName("at");
        e.Property(x => x.Body).HasColumnName("body");
        e.HasIndex(x => x.CaseId).HasDatabaseName("ix_case_notes_case");
    }
}

internal sealed class StaffProfileConfiguration : IAvrrEntityConfiguration<StaffProfileRecord>
{
    public void Configure(EntityTypeBuilder<StaffProfileRecord> e)
    {
        e.ToTable("staff_profiles");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(450);
        e.Property(x => x.DisplayName).HasColumnName("display_name").HasMaxLength(100);
        e.Property(x => x.Languages).HasColumnName("languages").HasMaxLength(200);
        e.Property(x => x.UiLanguage).HasColumnName("ui_language").HasMaxLength(16);
        e.Property(x => x.Capacity).HasColumnName("capacity");
        e.Property(x => x.Available).HasColumnName("available");
        e.Property(x => x.LastSeenAt).HasColumnName("last_seen_at");
    }
}

internal sealed class CaseWebhookConfiguration : IAvrrEntityConfiguration<CaseWebhookRecord>
{
    public void Configure(EntityTypeBuilder<CaseWebhookRecord> e)
    {
        e.ToTable("case_webhooks");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.CaseId).HasColumnName("case_id");
        e.Property(x => x.Event).HasColumnName("event").HasMaxLength(32);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        e.Property(x => x.DeliveredAt).HasColumnName("delivered_at");
        e.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(1000);
        e.HasIndex(x => new { x.DeliveredAt, x.NextAttemptAt }).HasDatabaseName("ix_case_webhooks_due");
    }
}
