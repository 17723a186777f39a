using Avrr.Bot.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Staff.Pages;

/// <summary>Any signed-in staff member: see their roles and change their password (a generated one first of all).</summary>
[Authorize]
public sealed class AccountModel(UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, AuditTrail audit) : PageModel
{
    [BindProperty]
    public string? Current { get; set; }

    [BindProperty]
    public string? New { get; set; }

    [BindProperty]
    public string? Repeat { get; set; }

    public IList<string> Roles { get; private set; } = [];

    public List<string> Problems { get; } = [];

    public async Task OnGetAsync() => Roles = await users.GetRolesAsync((await users.GetUserAsync(User))!);

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Roles = await users.GetRolesAsync(user);
        if (New != Repeat)
        {
            Problems.Add("The two new passwords differ.");
            return Page();
        }

        var changed = await users.ChangePasswordAsync(user, Current ?? "", New ?? "");
        if (!changed.Succeeded)
        {
            Problems.AddRange(changed.Errors.Select(e => e.Description));
            return Page();
        }

        // A new security stamp signs out other sessions; this one is renewed.
        await signIn.RefreshSignInAsync(user);
        await audit.WriteAsync(user.Email ?? user.Id, "staff.password_change", user.Email ?? user.Id, null, HttpContext.RequestAborted);
        TempData["Message"] = "Your password was changed.";
        return Redirect("/staff/account");
    }
}
