using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>Staff who take cases, acting through the same <see cref="CaseActions"/> the console API calls.</summary>
public static class Counsellors
{
    /// <summary>Creates the account (or finds it) and returns it as the console sees it.</summary>
    public static async Task<StaffMember> AddAsync(IServiceProvider services, string email, string role = StaffRoles.Counsellor)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByEmailAsync(email) is null)
            {
                await StaffAccounts.AddAsync(services, email, role);
            }
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var id = (await users.FindByEmailAsync(email))!.Id;
            return (await services.GetRequiredService<StaffDirectory>().FindAsync(id, default))!;
        }
    }

    /// <summary>The reference of the conversation's open case, waiting (bounded) for the turn that opens it.</summary>
    public static async Task<string> OpenCaseAsync(IServiceProvider services, string conversationId)
    {
        for (var i = 0; i < 200; i++)
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<Avrr.Bot.Persistence.AvrrDbContext>>().CreateDbContextAsync();
            if (await db.Cases.AsNoTracking().Where(c => c.ConversationId == conversationId && c.Status == CaseState.Open).Select(c => c.Reference).SingleOrDefaultAsync() is { } reference)
            {
                return reference;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No open case for {conversationId} after 10 s.");
    }

    internal static CaseActions Actions(IServiceProvider services) => services.GetRequiredService<CaseActions>();

    public static async Task ClaimAsync(IServiceProvider services, string reference, StaffMember staff) =>
        Assert.IsType<CaseActionResult.Done>(await Actions(services).ClaimAsync(reference, staff, default));

    public static async Task<CaseActionResult> SendAsync(IServiceProvider services, string reference, StaffMember staff, string text) =>
        await Actions(services).SendAsync(reference, staff, text, default);
}
