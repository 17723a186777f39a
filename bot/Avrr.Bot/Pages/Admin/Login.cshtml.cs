using Avrr.Bot.Knowledge;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Pages.Admin;

public sealed class LoginModel(SignInManager<IdentityUser> signIn) : PageModel
{
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

        // The same message whether the account exists or not, except for lockout, which the person must know about.
        Error = result.IsLockedOut
            ? "This account is locked for 15 minutes after too many failed attempts. Ask another administrator if you need access sooner."
            : "The email or password is not right.";
        return Page();
    }

    public async Task<IActionResult> OnPostLogoutAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/admin/login");
    }
}
