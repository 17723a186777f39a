using Avrr.Bot.Audit;
using Avrr.Bot.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Avrr.Bot.Staff.Pages;

[EnableRateLimiting(StaffSetup.SignInPolicy)]
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

    public async Task<IActionResult> OnPostAsync([FromServices] AuditTrail audit)
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Error = "Enter your email and password.";
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await audit.WriteAsync(Email.Trim(), "staff.sign_in", Email.Trim(), null, HttpContext.RequestAborted);
            return LocalRedirect(await LandingAsync(signIn.UserManager, Email.Trim(), ReturnUrl));
        }

        if (result.RequiresTwoFactor)
        {
            // The password was right; the session starts only with the authenticator code.
            return LocalRedirect("/admin/login/two-factor" + (Url.IsLocalUrl(ReturnUrl) ? "?returnUrl=" + Uri.EscapeDataString(ReturnUrl!) : ""));
        }

        Error = Failure;
        // Audited without the password; the address shows where guessing comes from.
        var account = await signIn.UserManager.FindByEmailAsync(Email.Trim()) is not null ? Email.Trim() : "an unknown email";
        await audit.WriteAsync("anonymous", "staff.sign_in_failed", account,
            $"{(result.IsLockedOut ? "locked out" : result.IsNotAllowed ? "not allowed" : "no such account, or not its password")} from {ClientAddress.Of(HttpContext)}", HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>The page asked for, or the staff member's start page: the console for counsellors and supervisors.</summary>
    internal static async Task<string> LandingAsync(UserManager<IdentityUser> users, string email, string? returnUrl)
    {
        if (returnUrl is { Length: > 1 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal))
        {
            return returnUrl;
        }

        var user = await users.FindByEmailAsync(email);
        return user is null ? "/admin" : Avrr.Bot.Staff.TwoFactor.Landing(await users.GetRolesAsync(user));
    }

    public async Task<IActionResult> OnPostLogoutAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/admin/login");
    }
}
