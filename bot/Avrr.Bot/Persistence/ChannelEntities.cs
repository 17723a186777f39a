using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Avrr.Bot.Persistence;

/// <summary>
/// Per conversation on a push channel: when the person last wrote (WhatsApp's 24-hour window opens then) and when the
/// bot last sent a re-engagement template, so it sends one per closed window at most.
/// </summary>
public sealed class ChannelContactRecord
{
    public required string ConversationId { get; set; }
    public required string Channel { get; set; }
    public long LastInboundAt { get; set; }
    public long? TemplateSentAt { get; set; }
}

internal sealed class ChannelContactConfiguration : IAvrrEntityConfiguration<ChannelContactRecord>
{
    public void Configure(EntityTypeBuilder<ChannelContactRecord> e)
    {
        e.ToTable("channel_contacts");
        e.HasKey(x => x.ConversationId);
        e.Property(x => x.ConversationId).HasColumnName("conversation_id").HasMaxLength(200);
        e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(32);
        e.Property(x => x.LastInboundAt).HasColumnName("last_inbound_at");
        e.Property(x => x.TemplateSentAt).HasColumnName("template_sent_at");
    }
}
