using Avrr.Bot.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Infrastructure;

public static class StaffAccounts
{
    public const string Password = "correct horse battery staple";

    /// <summary>Creates a staff account directly in the host's store.</summary>
    public static async Task<string> AddAsync(IServiceProvider services, string email, string role = StaffRoles.Admin)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
        return email;
    }
}
