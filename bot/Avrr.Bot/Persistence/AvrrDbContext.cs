using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Persistence;

/// <summary>Marks the entity configurations that belong to <see cref="AvrrDbContext"/>.</summary>
internal interface IAvrrEntityConfiguration<TEntity> : IEntityTypeConfiguration<TEntity>
    where TEntity : class;

/// <summary>
/// The store's schema. The hot turn path does not go through EF (see <c>Turns/TurnSession</c>); EF owns the schema,
/// the migrations and the colder queries.
/// </summary>
public sealed class AvrrDbContext(DbContextOptions<AvrrDbContext> options) : DbContext(options)
{
    public DbSet<ConversationRecord> Conversations => Set<ConversationRecord>();
    public DbSet<InboxRecord> Inbox => Set<InboxRecord>();
    public DbSet<ActivityRecord> Activities => Set<ActivityRecord>();
    public DbSet<HandoffRequestRecord> HandoffRequests => Set<HandoffRequestRecord>();
    public DbSet<HostSettingRecord> HostSettings => Set<HostSettingRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(
            typeof(AvrrDbContext).Assembly,
            type => type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAvrrEntityConfiguration<>)));
    }
}
