using System.Net;
using System.Text.RegularExpressions;
using Avrr.Bot.Cli;
using Avrr.Bot.Persistence;
using Avrr.Bot.Staff;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Admin;

/// <summary>Staff accounts: the first one from the command line, cookie sign-in, roles, lockout.</summary>
public sealed partial class StaffSignInTests : IDisposable
{
    private readonly BotFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private HttpClient Client() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Users_add_creates_an_account_with_its_role_and_prints_a_generated_password_once()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await UserCommands.RunAsync(_factory.Services, ["users", "add", "--email", "first@example.org", "--role", "admin"], new StringReader(""), output, error);

        Assert.True(code == 0, error.ToString());
        var password = Regex.Match(output.ToString(), "Password \\(shown only now\\): (\\S+)").Groups[1].Value;
        Assert.True(password.Length >= 12);
        await using var scope = _factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByEmailAsync("first@example.org");
        Assert.NotNull(user);
        Assert.True(await users.IsInRoleAsync(user, StaffRoles.Admin));
        Assert.True(await users.CheckPasswordAsync(user, password));

        Assert.Equal(1, await UserCommands.RunAsync(_factory.Services, ["users", "add", "--email", "first@example.org", "--role", "Admin"], new StringReader(""), output, error));
        Assert.Equal(2, await UserCommands.RunAsync(_factory.Services, ["users", "add", "--email", "x@example.org", "--role", "Root"], new StringReader(""), output, error));
        Assert.Equal(1, await UserCommands.RunAsync(_factory.Services, ["users", "add", "--email", "y@example.org", "--role", "Admin", "--password-stdin"], new StringReader("short\n"), output, error));
        Assert.Contains("at least 12 characters", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_pages_need_a_signed_in_administrator()
    {
        await StaffAccounts.AddAsync(_factory.Services, "admin@example.org");
        await StaffAccounts.AddAsync(_factory.Services, "counsellor@example.org", StaffRoles.Counsellor);
        using var anonymous = Client();

        var redirect = await anonymous.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/admin/login", redirect.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync(new Uri("/admin/versions/1/export", UriKind.Relative))).StatusCode);

        using var counsellor = Client();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(counsellor, "counsellor@example.org", StaffAccounts.Password)).StatusCode);
        var denied = await counsellor.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.StartsWith("/admin/denied", denied.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var admin = Client();
        await SignInAsync(admin, "admin@example.org", StaffAccounts.Password);
        var overview = await admin.GetAsync(new Uri("/admin", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Contains("2026.12.1", await overview.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(overview.Headers.CacheControl?.NoStore);
        Assert.Contains("script-src 'self'", overview.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var export = await admin.GetAsync(new Uri("/admin/versions/1/export", UriKind.Relative));
        Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_for_the_right_one()
    {
        await StaffAccounts.AddAsync(_factory.Services, "admin@example.org");
        using var client = Client();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var failed = await SignInAsync(client, "admin@example.org", "wrong password " + attempt);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        var locked = await SignInAsync(client, "admin@example.org", StaffAccounts.Password);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("locked", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        await StaffAccounts.AddAsync(_factory.Services, "admin@example.org");
        using var client = Client();
        await SignInAsync(client, "admin@example.org", StaffAccounts.Password);

        var forged = await client.PostAsync(new Uri("/admin?handler=rollback", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["versionId"] = "1" }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task A_sign_in_on_one_instance_is_valid_on_another_sharing_the_database()
    {
        await StaffAccounts.AddAsync(_factory.Services, "admin@example.org");
        using var first = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await first.GetAsync(new Uri("/admin/login", UriKind.Relative));
        var token = AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        var antiforgeryCookie = page.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        using var login = new HttpRequestMessage(HttpMethod.Post, "/admin/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "admin@example.org", ["Password"] = StaffAccounts.Password, ["__RequestVerificationToken"] = token }),
        };
        login.Headers.Add("Cookie", antiforgeryCookie);
        var signedIn = await first.SendAsync(login);
        var staffCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("avrr.staff=", StringComparison.Ordinal)).Split(';')[0];

        using var other = new BotFactory(_factory.DataDirectory);
        using var second = other.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin");
        request.Headers.Add("Cookie", staffCookie);

        Assert.Equal(HttpStatusCode.OK, (await second.SendAsync(request)).StatusCode);
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
    }

    [Fact]
    public async Task Any_staff_member_changes_their_password_and_the_old_one_stops_working()
    {
        await StaffAccounts.AddAsync(_factory.Services, "counsellor@example.org", StaffRoles.Counsellor);
        using var client = Client();
        await SignInAsync(client, "counsellor@example.org", StaffAccounts.Password);
        var page = await client.GetStringAsync(new Uri("/staff/account", UriKind.Relative));
        Assert.Contains("Counsellor", page, StringComparison.Ordinal);
        var token = AntiforgeryField().Match(page).Groups[1].Value;

        var mismatch = await client.PostAsync(new Uri("/staff/account", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Current"] = StaffAccounts.Password,
            ["New"] = "a brand new passphrase",
            ["Repeat"] = "another passphrase!",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Contains("differ", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var changed = await client.PostAsync(new Uri("/staff/account", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Current"] = StaffAccounts.Password,
            ["New"] = "a brand new passphrase",
            ["Repeat"] = "a brand new passphrase",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        using var fresh = Client();
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(fresh, "counsellor@example.org", StaffAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(fresh, "counsellor@example.org", "a brand new passphrase")).StatusCode);
        using var anonymous = Client();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync(new Uri("/staff/account", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_administrator_adds_locks_unlocks_and_resets_a_counsellor_in_the_admin()
    {
        await StaffAccounts.AddAsync(_factory.Services, "admin@example.org");
        using var admin = Client();
        await SignInAsync(admin, "admin@example.org", StaffAccounts.Password);

        var added = await PostStaffAsync(admin, "add", new() { ["email"] = "new.counsellor@example.org", ["role"] = StaffRoles.Counsellor });
        var password = Regex.Match(added, "shown only now: <code>([^<]+)</code>").Groups[1].Value;
        Assert.True(password.Length >= 12, added[..Math.Min(added.Length, 400)]);
        using (var counsellor = Client())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(counsellor, "new.counsellor@example.org", password)).StatusCode);
        }

        var id = await UserIdAsync("new.counsellor@example.org");
        await PostStaffAsync(admin, "lock", new() { ["id"] = id, ["locked"] = "true" });
        using (var counsellor = Client())
        {
            Assert.Contains("locked", await (await SignInAsync(counsellor, "new.counsellor@example.org", password)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await PostStaffAsync(admin, "lock", new() { ["id"] = id, ["locked"] = "false" });
        var reset = await PostStaffAsync(admin, "reset", new() { ["id"] = id });
        var second = Regex.Match(reset, "shown only now: <code>([^<]+)</code>").Groups[1].Value;
        Assert.NotEqual(password, second);
        using (var counsellor = Client())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(counsellor, "new.counsellor@example.org", second)).StatusCode);
        }

        var self = await PostStaffAsync(admin, "lock", new() { ["id"] = await UserIdAsync("admin@example.org"), ["locked"] = "true" });
        Assert.Contains("another staff member", self, StringComparison.Ordinal);
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(email))!.Id;
    }

    private static async Task<string> PostStaffAsync(HttpClient client, string handler, Dictionary<string, string> form)
    {
        var page = await client.GetStringAsync(new Uri("/admin/staff", UriKind.Relative));
        form["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value;
        var response = await client.PostAsync(new Uri($"/admin/staff?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync(new Uri("/admin/login", UriKind.Relative));
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        return await client.PostAsync(new Uri("/admin/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
