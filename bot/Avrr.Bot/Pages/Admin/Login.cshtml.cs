using Avrr.Bot.Hosting;
using Avrr.Bot.Knowledge;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Avrr.Bot.Pages.Admin;

[EnableRateLimiting(EdgeSetup.SignInPolicy)]
public sealed class LoginModel(SignInManager<IdentityUser> signIn) : PageModel
{
    /// <summary>
    /// One message for every failure, locked accounts included: the page never tells whether an account exists.
    /// </summary>
    public const string Failure = "Signing in did not work. Check your email and password; after 5 failed attempts an account is locked for 15 minutes.";

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync([FromServices] KnowledgeStore audit)
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Error = "Enter your email and password.";
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await audit.AuditAsync(Email.Trim(), "staff.sign_in", Email.Trim(), null, HttpContext.RequestAborted);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/admin");
        }

        Error = Failure;
        // Audited without the password; the address shows where guessing comes from.
        var account = await signIn.UserManager.FindByEmailAsync(Email.Trim()) is not null ? Email.Trim() : "an unknown email";
        await audit.AuditAsync("anonymous", "staff.sign_in_failed", account,
            $"{(result.IsLockedOut ? "locked out" : result.IsNotAllowed ? "not allowed" : "no such account, or not its password")} from {EdgeSetup.ClientAddress(HttpContext)}", HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostLogoutAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/admin/login");
    }
}
