using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Staff;

/// <summary>The staff roles. Counsellors take conversations; supervisors also see the queue; admins manage content and accounts.</summary>
public static class StaffRoles
{
    public const string Admin = "Admin";
    public const string Supervisor = "Supervisor";
    public const string Counsellor = "Counsellor";

    public static IReadOnlyList<string> All { get; } = [Admin, Supervisor, Counsellor];
}

internal static class StaffSetup
{
    /// <summary>The rate-limit policy on the sign-in pages (attempts per minute and client address).</summary>
    public const string SignInPolicy = "staff-sign-in";

    public const string AdminPolicy = "Admin";

    /// <summary>Staff accounts with ASP.NET Core Identity on the conversation database, signed in with a cookie.</summary>
    public static WebApplicationBuilder AddStaffSignIn(this WebApplicationBuilder builder)
    {
        // Identity's stores resolve the context per request; it comes from the same pool as everything else.
        builder.Services.AddScoped(services => services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContext());
        builder.Services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section);
        // Cookies and antiforgery tokens must be readable by every instance and survive restarts: keys in the database.
        builder.Services.AddDataProtection().SetApplicationName("Avrr.Bot").PersistKeysToDbContext<AvrrDbContext>();
        builder.Services.AddIdentity<IdentityUser, IdentityRole>(options =>
            {
                // Long passphrases over composition rules (NIST SP 800-63B); lockout against guessing.
                options.Password.RequiredLength = 12;
                options.Password.RequiredUniqueChars = 5;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<AvrrDbContext>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>();

        // A changed password or removed role ends the other sessions within a minute, not after the default 30.
        builder.Services.Configure<SecurityStampValidatorOptions>(options =>
        {
            options.ValidationInterval = TimeSpan.FromMinutes(1);
            TwoFactor.KeepSecondFactor(options);
        });
        builder.Services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "avrr.staff";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            // Secure is set by the cookie policy (Hosting/EdgeSetup): always, except plain http to localhost.
            options.Cookie.SecurePolicy = CookieSecurePolicy.None;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = "/admin/login";
            options.LogoutPath = "/admin/logout";
            options.AccessDeniedPath = "/admin/denied";
        });

        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole(StaffRoles.Admin));
        builder.Services.AddSingleton<IStartupStep, StaffRolesStartup>();
        return builder;
    }

    private sealed class StaffRolesStartup(IServiceScopeFactory scopes) : IStartupStep
    {
        public async Task RunAsync(CancellationToken ct)
        {
            await using var scope = scopes.CreateAsyncScope();
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in StaffRoles.All)
            {
                if (!await roles.RoleExistsAsync(role))
                {
                    await roles.CreateAsync(new IdentityRole(role));
                }
            }
        }
    }
}
