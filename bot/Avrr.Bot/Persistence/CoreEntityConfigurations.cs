using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Avrr.Bot.Persistence;

// The conversation store's tables. Each capability (channels, admin, …) adds its own IAvrrEntityConfiguration
// classes in its folder and a hand-written migration; SchemaMatchesModelTests checks they agree.

internal sealed class ConversationConfiguration : IAvrrEntityConfiguration<ConversationRecord>
{
    public void Configure(EntityTypeBuilder<ConversationRecord> e)
    {
        e.ToTable("conversations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(200);
        e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(32);
        e.Property(x => x.ChannelAddress).HasColumnName("channel_address");
        e.Property(x => x.AddressHash).HasColumnName("address_hash").HasMaxLength(64);
        e.Property(x => x.DataKey).HasColumnName("data_key");
        e.Property(x => x.State).HasColumnName("state");
        e.Property(x => x.Version).HasColumnName("version");
        e.Property(x => x.NextSeq).HasColumnName("next_seq");
        e.Property(x => x.Owner).HasColumnName("owner");
        e.Property(x => x.OptedOut).HasColumnName("opted_out");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.Property(x => x.ErasedAt).HasColumnName("erased_at");
        // NULL for Direct Line (no platform address); both providers let NULLs repeat in a unique index.
        e.HasIndex(x => new { x.Channel, x.AddressHash }).IsUnique().HasDatabaseName("ux_conversations_address");
        e.HasIndex(x => x.UpdatedAt).HasDatabaseName("ix_conversations_updated_at");
    }
}

internal sealed class InboxConfiguration : IAvrrEntityConfiguration<InboxRecord>
{
    public void Configure(EntityTypeBuilder<InboxRecord> e)
    {
        e.ToTable("inbox");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(32);
        e.Property(x => x.ExternalId).HasColumnName("external_id").HasMaxLength(200);
        e.Property(x => x.ConversationId).HasColumnName("conversation_id").HasMaxLength(200);
        e.Property(x => x.ReceivedAt).HasColumnName("received_at");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.Payload).HasColumnName("payload");
        e.HasIndex(x => new { x.Channel, x.ExternalId }).IsUnique().HasDatabaseName("ux_inbox_channel_external_id");
        e.HasIndex(x => new { x.Status, x.Id }).HasDatabaseName("ix_inbox_status");
    }
}

internal sealed class ActivityConfiguration : IAvrrEntityConfiguration<ActivityRecord>
{
    public void Configure(EntityTypeBuilder<ActivityRecord> e)
    {
        e.ToTable("activities");
        e.HasKey(x => new { x.ConversationId, x.Seq });
        e.Property(x => x.ConversationId).HasColumnName("conversation_id").HasMaxLength(200);
        e.Property(x => x.Seq).HasColumnName("seq");
        e.Property(x => x.Direction).HasColumnName("direction");
        e.Property(x => x.Payload).HasColumnName("payload");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.Delivery).HasColumnName("delivery");
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        e.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(1000);
        e.Property(x => x.ExternalMessageId).HasColumnName("external_message_id").HasMaxLength(200);
        e.HasIndex(x => new { x.Delivery, x.NextAttemptAt }).HasDatabaseName("ix_activities_delivery");
        // Only rows kept for delivery have an expiry: rows with consent never touch this index.
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_activities_expires_at").HasFilter("expires_at IS NOT NULL");
        // Platform status reports (WhatsApp sent/delivered/read/failed) find their message by its platform id.
        e.HasIndex(x => x.ExternalMessageId).HasDatabaseName("ix_activities_external_message_id");
    }
}

internal sealed class HostSettingConfiguration : IAvrrEntityConfiguration<HostSettingRecord>
{
    public void Configure(EntityTypeBuilder<HostSettingRecord> e)
    {
        e.ToTable("host_settings");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasColumnName("key").HasMaxLength(100);
        e.Property(x => x.Value).HasColumnName("value");
    }
}
