using System.Security.Claims;
using Avrr.Bot.Persistence;
using Avrr.Bot.Staff;


namespace Avrr.Bot.Console;

/// <summary>A signed-in staff member as the console sees them: who, under which name people see them, in which roles.</summary>
public sealed record StaffMember(string UserId, string Email, string DisplayName, IReadOnlySet<string> Roles)
{
    public bool IsCounsellor => Roles.Contains(StaffRoles.Counsellor);

    public bool IsSupervisor => Roles.Contains(StaffRoles.Supervisor);

    public bool IsAdmin => Roles.Contains(StaffRoles.Admin);

    /// <summary>Counsellors and supervisors take cases; administrators never do.</summary>
    public bool TakesCases => IsCounsellor || IsSupervisor;

    public static string? UserIdOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);
}

/// <summary>Who may read and act on a case (docs/console.md has the table).</summary>
internal static class CaseAccess
{
    /// <summary>
    /// Supervisors read every case; a counsellor reads the waiting cases nobody has taken and their own; another
    /// counsellor's case only after a supervisor transfers it. Administrators only when Console:AdminsReadCases is set.
    /// </summary>
    public static bool CanRead(StaffMember staff, CaseState status, string? assignee, bool adminsReadCases) =>
        staff.IsSupervisor
        || staff.IsAdmin && adminsReadCases
        || staff.IsCounsellor && (assignee == staff.UserId || status == CaseState.Open && assignee is null);

    /// <summary>Only the owner speaks to the person; supervisors can also move, close and annotate any case.</summary>
    public static bool CanSpeak(StaffMember staff, string? assignee) => staff.TakesCases && assignee == staff.UserId;

    public static bool CanManage(StaffMember staff, string? assignee) => staff.IsSupervisor || CanSpeak(staff, assignee);
}
