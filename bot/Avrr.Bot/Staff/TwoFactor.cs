using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Staff;

/// <summary>
/// Two-factor sign-in with an authenticator app (ASP.NET Core Identity's TOTP provider), required for the roles in
/// <c>Staff:RequireTwoFactor</c>. A session counts as two-factor when it carries the <c>amr=mfa</c> claim, which
/// Identity adds on a code sign-in and this host keeps across the periodic security-stamp refresh.
/// </summary>
internal static class TwoFactor
{
    public const string MethodClaim = "amr";
    public const string Mfa = "mfa";
    public const string SetupPath = "/staff/two-factor";

    public static bool Satisfied(ClaimsPrincipal user) => user.HasClaim(MethodClaim, Mfa);

    /// <summary>Where a signed-in staff member starts: counsellors and supervisors at the console, administrators at /admin.</summary>
    public static string Landing(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        return set.Contains(StaffRoles.Counsellor) || set.Contains(StaffRoles.Supervisor) ? "/console" : "/admin";
    }

    /// <summary>The security-stamp refresh rebuilds the principal from the database; the second factor it proved stays.</summary>
    public static void KeepSecondFactor(SecurityStampValidatorOptions options) => options.OnRefreshingPrincipal = context =>
    {
        if (context.CurrentPrincipal?.FindFirst(MethodClaim) is { } amr && context.NewPrincipal?.Identity is ClaimsIdentity identity && !identity.HasClaim(MethodClaim, amr.Value))
        {
            identity.AddClaim(new Claim(MethodClaim, amr.Value));
        }

        return Task.CompletedTask;
    };

    /// <summary>Staff in a role that requires two-factor, signed in without it, can only set it up (pages) or get 403 (API).</summary>
    public static WebApplication UseTwoFactorRequirement(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated == true && !Satisfied(user) && !Exempt(context.Request.Path))
            {
                var required = context.RequestServices.GetRequiredService<IOptionsMonitor<StaffOptions>>().CurrentValue.RequireTwoFactor;
                if (required.Any(user.IsInRole))
                {
                    if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/console/hub"))
                    {
                        await Results.Problem("Your role requires two-factor sign-in: set up an authenticator app at " + SetupPath + ".", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
                        return;
                    }

                    context.Response.Redirect(SetupPath + "?returnUrl=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
                    return;
                }
            }

            await next();
        });
        return app;
    }

    private static bool Exempt(PathString path) =>
        path.StartsWithSegments(SetupPath) || path.StartsWithSegments("/admin/login") || path.StartsWithSegments("/admin/denied")
        || path.StartsWithSegments("/admin/admin.css") || path.StartsWithSegments("/lib")
        || !(path.StartsWithSegments("/admin") || path.StartsWithSegments("/console") || path.StartsWithSegments("/api/console")
             || path.StartsWithSegments("/staff") || path.StartsWithSegments("/audit"));
}
