using Avrr.Bot.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Avrr.Bot.Translation;

public enum TranslationSide
{
    /// <summary><see cref="MessageTranslationRecord.Text"/> is the machine translation of the message (what a person wrote, for the counsellor).</summary>
    Translation = 0,

    /// <summary>The message is the machine translation of <see cref="MessageTranslationRecord.Text"/> (what a counsellor wrote, as they wrote it).</summary>
    Original = 1,

    /// <summary>Nothing to translate (no text, or already in the counsellor's language): recorded so it is not looked at again.</summary>
    Nothing = 2,
}

/// <summary>
/// The other-language side of one message, sealed with the person's key like the message. It belongs to its
/// activity row (a foreign key with cascade), so erasure, retention and expiry of the message take it along.
/// </summary>
public sealed class MessageTranslationRecord
{
    public required string ConversationId { get; set; }
    public long Seq { get; set; }
    /// <summary>The language of <see cref="Text"/> (the counsellor's).</summary>
    public required string Language { get; set; }
    public TranslationSide Side { get; set; }
    /// <summary>Sealed text; null when the message could not be translated (see <see cref="Note"/>).</summary>
    public byte[]? Text { get; set; }
    public required string Provider { get; set; }
    /// <summary>Why not translated, in words for staff; never message text.</summary>
    public string? Note { get; set; }
    public long CreatedAt { get; set; }
}

internal sealed class MessageTranslationConfiguration : IAvrrEntityConfiguration<MessageTranslationRecord>
{
    public void Configure(EntityTypeBuilder<MessageTranslationRecord> e)
    {
        e.ToTable("message_translations");
        e.HasKey(x => new { x.ConversationId, x.Seq, x.Language });
        e.Property(x => x.ConversationId).HasColumnName("conversation_id").HasMaxLength(200);
        e.Property(x => x.Seq).HasColumnName("seq");
        e.Property(x => x.Language).HasColumnName("language").HasMaxLength(16);
        e.Property(x => x.Side).HasColumnName("side");
        e.Property(x => x.Text).HasColumnName("text");
        e.Property(x => x.Provider).HasColumnName("provider").HasMaxLength(64);
        e.Property(x => x.Note).HasColumnName("note").HasMaxLength(200);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.HasOne<ActivityRecord>().WithMany().HasForeignKey(x => new { x.ConversationId, x.Seq })
            .HasConstraintName("fk_message_translations_activity").OnDelete(DeleteBehavior.Cascade);
    }
}
