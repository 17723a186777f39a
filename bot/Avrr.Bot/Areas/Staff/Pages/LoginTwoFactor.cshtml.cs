using Avrr.Bot.Audit;
using Avrr.Bot.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Avrr.Bot.Staff.Pages;

/// <summary>The second step of signing in: the six-digit code from the authenticator app.</summary>
[EnableRateLimiting(StaffSetup.SignInPolicy)]
public sealed class LoginTwoFactorModel(SignInManager<IdentityUser> signIn, AuditTrail audit) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? LocalRedirect("/admin/login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            // The password step expired (or never happened): start again.
            return LocalRedirect("/admin/login");
        }

        var code = new string((Code ?? "").Where(char.IsDigit).ToArray());
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        var email = user.Email ?? user.Id;
        if (result.Succeeded)
        {
            await audit.WriteAsync(email, "staff.sign_in", email, "with an authenticator code", HttpContext.RequestAborted);
            return LocalRedirect(await LoginModel.LandingAsync(signIn.UserManager, email, ReturnUrl));
        }

        await audit.WriteAsync("anonymous", "staff.sign_in_failed", email, $"{(result.IsLockedOut ? "locked out" : "wrong authenticator code")} from {ClientAddress.Of(HttpContext)}", HttpContext.RequestAborted);
        Error = result.IsLockedOut ? LoginModel.Failure : "That code did not work. Enter the 6 digits your authenticator app shows now.";
        return Page();
    }
}
