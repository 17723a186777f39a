using System.Globalization;
using System.Text;
using Avrr.Bot.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using QRCoder;

namespace Avrr.Bot.Staff.Pages;

/// <summary>Setting up (or resetting) an authenticator app: a QR code and the key, confirmed with a first code.</summary>
[Authorize]
public sealed class TwoFactorModel(UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, AuditTrail audit, IOptionsMonitor<StaffOptions> options) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Enabled { get; private set; }

    public bool Required { get; private set; }

    public string Key { get; private set; } = "";

    public string QrDataUri { get; private set; } = "";

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var code = new string((Code ?? "").Where(char.IsDigit).ToArray());
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            await LoadAsync(user);
            Error = "That code did not work. Check that the app shows this account, and enter the 6 digits it shows now.";
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        var email = user.Email ?? user.Id;
        await audit.WriteAsync(email, "staff.two_factor_enabled", email, null, HttpContext.RequestAborted);
        // This session has just proved the second factor.
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new System.Security.Claims.Claim(TwoFactor.MethodClaim, TwoFactor.Mfa)]);
        TempData["Message"] = "Two-factor sign-in is on. From now on you sign in with your password and a code from the app.";
        return LocalRedirect(await LoginModel.LandingAsync(users, email, ReturnUrl));
    }

    public async Task<IActionResult> OnPostResetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        // A new key: the old app entry stops working (a lost or replaced phone).
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        var email = user.Email ?? user.Id;
        await audit.WriteAsync(email, "staff.two_factor_reset", email, null, HttpContext.RequestAborted);
        await signIn.RefreshSignInAsync(user);
        return LocalRedirect(TwoFactor.SetupPath);
    }

    private async Task LoadAsync(IdentityUser user)
    {
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        var roles = await users.GetRolesAsync(user);
        Required = options.CurrentValue.RequireTwoFactor.Any(roles.Contains);
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? "";
        }

        Key = string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - i * 4)))).ToLowerInvariant();
        var label = Uri.EscapeDataString("Avrr.Bot:" + (user.Email ?? user.UserName));
        var uri = string.Create(CultureInfo.InvariantCulture, $"otpauth://totp/{label}?secret={key}&issuer=Avrr.Bot&digits=6");
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(Encoding.UTF8.GetBytes(uri), QRCodeGenerator.ECCLevel.M);
        QrDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }
}
