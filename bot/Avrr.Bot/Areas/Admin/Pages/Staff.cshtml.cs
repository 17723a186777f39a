using Avrr.Bot.Audit;
using Avrr.Bot.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Admin.Pages;

/// <summary>Administrators add counsellors and other staff, lock and unlock them, and issue new passwords.</summary>
public sealed class StaffModel(UserManager<IdentityUser> users, AuditTrail audit, TimeProvider time) : PageModel
{
    public sealed record Row(string Id, string Email, IList<string> Roles, bool Locked);

    public sealed record Generated(string Email, string Password);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public Generated? Shown { get; private set; }

    public List<string> Problems { get; } = [];

    public Task OnGetAsync() => LoadAsync();

    public async Task<IActionResult> OnPostAddAsync(string email, string role)
    {
        if (!StaffRoles.All.Contains(role))
        {
            Problems.Add($"Unknown role '{role}'.");
        }
        else if (await users.FindByEmailAsync(email) is not null)
        {
            Problems.Add($"{email} already has an account.");
        }
        else
        {
            var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            var password = StaffPasswords.Generate();
            var created = await users.CreateAsync(user, password);
            if (created.Succeeded)
            {
                await users.AddToRoleAsync(user, role);
                await audit.WriteAsync(AdminSetup.Actor(User), "user.add", email, role, HttpContext.RequestAborted);
                Shown = new Generated(email, password);
            }
            else
            {
                Problems.AddRange(created.Errors.Select(e => e.Description));
            }
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostLockAsync(string id, bool locked)
    {
        if (await Other(id) is { } user)
        {
            await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
            await users.ResetAccessFailedCountAsync(user);
            // Ends the person's open sessions at their next request check.
            await users.UpdateSecurityStampAsync(user);
            await audit.WriteAsync(AdminSetup.Actor(User), locked ? "user.lock" : "user.unlock", user.Email ?? id, null, HttpContext.RequestAborted);
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostResetAsync(string id)
    {
        if (await Other(id) is { } user)
        {
            var password = StaffPasswords.Generate();
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var reset = await users.ResetPasswordAsync(user, token, password);
            if (reset.Succeeded)
            {
                await audit.WriteAsync(AdminSetup.Actor(User), "user.password_reset", user.Email ?? id, null, HttpContext.RequestAborted);
                Shown = new Generated(user.Email ?? id, password);
            }
            else
            {
                Problems.AddRange(reset.Errors.Select(e => e.Description));
            }
        }

        await LoadAsync();
        return Page();
    }

    /// <summary>Someone else's account: administrators cannot lock themselves out or reset their own password here.</summary>
    private async Task<IdentityUser?> Other(string id)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null || string.Equals(user.Email, User.Identity?.Name, StringComparison.OrdinalIgnoreCase))
        {
            Problems.Add("Choose another staff member's account.");
            return null;
        }

        return user;
    }

    private async Task LoadAsync()
    {
        var rows = new List<Row>();
        foreach (var user in await users.Users.OrderBy(u => u.Email).ToListAsync(HttpContext.RequestAborted))
        {
            rows.Add(new Row(user.Id, user.Email ?? user.UserName ?? user.Id, await users.GetRolesAsync(user), user.LockoutEnd > time.GetUtcNow()));
        }

        Rows = rows;
    }
}
