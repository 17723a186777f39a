using System.Security.Claims;
using Avrr.Bot.Persistence;
using Avrr.Bot.Staff;
using Microsoft.EntityFrameworkCore;


namespace Avrr.Bot.Console;

/// <summary>A colleague as the transfer list and the supervisor view show them.</summary>
public sealed record Colleague(string UserId, string DisplayName, string Email, IReadOnlyList<string> Languages, bool Available, bool Present, int Capacity, int OpenCases);

/// <summary>
/// Staff as the console knows them: Identity accounts and roles, with a profile (the name people see, the languages
/// spoken, presence and capacity) created on first use. Also the case lookups that precede a lock.
/// </summary>
public sealed class StaffDirectory(IDbContextFactory<AvrrDbContext> contexts, TimeProvider time)
{
    /// <summary>How recently the console must have reported a counsellor connected for auto-assignment to count them.</summary>
    public static readonly TimeSpan Presence = TimeSpan.FromMinutes(2);

    /// <summary>The actor of automatic assignment and reassignment.</summary>
    public static StaffMember System { get; } = new("system", "system", "the system", new HashSet<string>(StringComparer.Ordinal) { StaffRoles.Supervisor });

    /// <summary>The signed-in user as a staff member, with their profile (created with defaults the first time).</summary>
    public async Task<StaffMember?> CurrentAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var id = StaffMember.UserIdOf(user);
        if (id is null)
        {
            return null;
        }

        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var email = user.Identity?.Name ?? id;
        var profile = await ProfileAsync(id, email, ct);
        return new StaffMember(id, email, profile.DisplayName, roles);
    }

    public async Task<StaffMember?> FindAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.Id, u.Email, u.LockoutEnd }).SingleOrDefaultAsync(ct);
        if (user is null || user.LockoutEnd > time.GetUtcNow())
        {
            return null;
        }

        var roles = await RolesAsync(db, [userId], ct);
        var profile = await ProfileAsync(userId, user.Email ?? userId, ct);
        return new StaffMember(userId, user.Email ?? userId, profile.DisplayName, roles.GetValueOrDefault(userId) ?? new HashSet<string>());
    }

    public async Task<string> NameOfAsync(string? userId, CancellationToken ct)
    {
        if (userId is null)
        {
            return "nobody";
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.StaffProfiles.AsNoTracking().Where(p => p.UserId == userId).Select(p => p.DisplayName).SingleOrDefaultAsync(ct) ?? "a colleague";
    }

    public async Task<StaffProfileRecord> ProfileAsync(string userId, string email, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.StaffProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct) is { } existing)
        {
            return existing;
        }

        // The name people see defaults to the part of the email before the @, capitalised; staff change it in the console.
        var local = email.Split('@')[0];
        var profile = new StaffProfileRecord { UserId = userId, DisplayName = local.Length == 0 ? "Counsellor" : char.ToUpperInvariant(local[0]) + local[1..] };
        db.StaffProfiles.Add(profile);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Created by a parallel request meanwhile.
            return await db.StaffProfiles.AsNoTracking().SingleAsync(p => p.UserId == userId, ct);
        }

        return profile;
    }

    public async Task UpdateProfileAsync(string userId, string displayName, IReadOnlyList<string> languages, string? uiLanguage, int capacity, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var profile = await db.StaffProfiles.SingleAsync(p => p.UserId == userId, ct);
        profile.DisplayName = displayName;
        profile.Languages = string.Join(',', languages);
        profile.UiLanguage = uiLanguage;
        profile.Capacity = capacity;
        await db.SaveChangesAsync(ct);
    }

    public async Task SetAvailableAsync(string userId, bool available, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.StaffProfiles.Where(p => p.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Available, available).SetProperty(p => p.LastSeenAt, time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
    }

    /// <summary>The console is open and connected (a heartbeat from its real-time connection).</summary>
    public async Task SeenAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.StaffProfiles.Where(p => p.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(p => p.LastSeenAt, time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
    }

    /// <summary>Everyone who takes cases (not locked out), with their presence and how many open cases they have.</summary>
    public async Task<IReadOnlyList<Colleague>> ColleaguesAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var takers = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            where r.Name == StaffRoles.Counsellor || r.Name == StaffRoles.Supervisor
                            join u in db.Users on ur.UserId equals u.Id
                            select new { u.Id, u.Email, u.LockoutEnd }).Distinct().ToListAsync(ct);
        // Locked accounts take no cases (SQLite cannot compare the lockout time in SQL).
        takers = takers.Where(t => t.LockoutEnd is null || t.LockoutEnd < now).ToList();
        var ids = takers.Select(t => t.Id).ToList();
        var profiles = await db.StaffProfiles.AsNoTracking().Where(p => ids.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, ct);
        var load = await db.Cases.AsNoTracking().Where(c => c.Status == CaseState.Open && c.Assignee != null)
            .GroupBy(c => c.Assignee!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var present = now.ToUnixTimeMilliseconds() - (long)Presence.TotalMilliseconds;
        return takers.Select(t =>
        {
            var profile = profiles.GetValueOrDefault(t.Id);
            var email = t.Email ?? t.Id;
            return new Colleague(
                t.Id,
                profile?.DisplayName ?? email.Split('@')[0],
                email,
                profile is null ? [] : profile.Languages.Split(',', StringSplitOptions.RemoveEmptyEntries),
                profile?.Available ?? false,
                profile?.LastSeenAt > present,
                profile?.Capacity ?? 5,
                load.GetValueOrDefault(t.Id));
        }).OrderBy(c => c.DisplayName, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    public async Task<string?> ConversationOfOpenCaseAsync(string reference, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Cases.AsNoTracking().Where(c => c.Reference == reference && c.Status == CaseState.Open).Select(c => c.ConversationId).SingleOrDefaultAsync(ct);
    }

    /// <summary>A case's conversation, status and owner (open or closed), for the live view's access check.</summary>
    public async Task<(string ConversationId, CaseState Status, string? Assignee)?> CaseForWatchAsync(string reference, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await db.Cases.AsNoTracking().Where(c => c.Reference == reference).Select(c => new { c.ConversationId, c.Status, c.Assignee }).SingleOrDefaultAsync(ct);
        return found is null ? null : (found.ConversationId, found.Status, found.Assignee);
    }

    public async Task<bool> CaseExistsAsync(string reference, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Cases.AnyAsync(c => c.Reference == reference, ct);
    }

    private static async Task<Dictionary<string, HashSet<string>>> RolesAsync(AvrrDbContext db, IReadOnlyList<string> userIds, CancellationToken ct)
    {
        var rows = await (from ur in db.UserRoles
                          join r in db.Roles on ur.RoleId equals r.Id
                          where userIds.Contains(ur.UserId)
                          select new { ur.UserId, r.Name }).ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.Name!).ToHashSet(StringComparer.Ordinal));
    }
}
