using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Persistence;

/// <summary>Marks the entity configurations that belong to <see cref="AvrrDbContext"/>.</summary>
internal interface IAvrrEntityConfiguration<TEntity> : IEntityTypeConfiguration<TEntity>
    where TEntity : class;

/// <summary>
/// The store's schema. The hot turn path does not go through EF (see <c>Turns/TurnSession</c>); EF owns the schema,
/// the migrations and the colder queries. Staff accounts (ASP.NET Core Identity) live in the same database.
/// </summary>
public sealed class AvrrDbContext(DbContextOptions<AvrrDbContext> options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<ConversationRecord> Conversations => Set<ConversationRecord>();
    public DbSet<InboxRecord> Inbox => Set<InboxRecord>();
    public DbSet<ActivityRecord> Activities => Set<ActivityRecord>();
    public DbSet<CaseRecord> Cases => Set<CaseRecord>();
    public DbSet<StaffProfileRecord> StaffProfiles => Set<StaffProfileRecord>();
    public DbSet<HostSettingRecord> HostSettings => Set<HostSettingRecord>();
    public DbSet<KnowledgeVersionRecord> KnowledgeVersions => Set<KnowledgeVersionRecord>();
    public DbSet<KnowledgeDraftRecord> KnowledgeDrafts => Set<KnowledgeDraftRecord>();
    public DbSet<AuditRecord> AuditLog => Set<AuditRecord>();
    public DbSet<ChannelContactRecord> ChannelContacts => Set<ChannelContactRecord>();

    /// <summary>The keys that protect staff cookies and antiforgery tokens, shared by every instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Pinned, not taken from the host's Identity options, so that the hand-written migration always matches.</summary>
    protected override Version SchemaVersion => IdentitySchemaVersions.Version1;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(
            typeof(AvrrDbContext).Assembly,
            type => type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAvrrEntityConfiguration<>)));
    }
}
