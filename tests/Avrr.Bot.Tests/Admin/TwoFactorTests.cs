using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Avrr.Bot.Staff;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Admin;

/// <summary>
/// Two-factor sign-in with an authenticator app for the roles in <c>Staff:RequireTwoFactor</c>: a counsellor without
/// it can only set it up, a code from the app (RFC 6238, as the app computes it) turns it on, and every later sign-in
/// asks for a code before the console opens.
/// </summary>
public sealed partial class TwoFactorTests : IDisposable
{
    private const string Email = "amira@example.org";
    private readonly BotFactory _bot = new BotFactory().With("Staff:RequireTwoFactor:0", StaffRoles.Counsellor);

    public void Dispose() => _bot.Dispose();

    private HttpClient Browser() => _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task A_counsellor_sets_up_an_authenticator_and_then_signs_in_with_a_code()
    {
        await StaffAccounts.AddAsync(_bot.Services, Email, StaffRoles.Counsellor);
        await StaffAccounts.AddAsync(_bot.Services, "admin@example.org");

        // Signed in with a password only: the console and its API are closed until the app is set up.
        using var first = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await StaffSignInTests.SignInAsync(first, Email, StaffAccounts.Password)).StatusCode);
        var console = await first.GetAsync(new Uri("/console", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.StartsWith("/staff/two-factor", console.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await first.GetAsync(new Uri("/api/console/queue", UriKind.Relative))).StatusCode);

        var setup = await first.GetStringAsync(new Uri("/staff/two-factor?returnUrl=%2Fconsole", UriKind.Relative));
        Assert.Contains("data:image/png;base64,", setup, StringComparison.Ordinal);
        var key = await KeyAsync();
        Assert.Contains(Grouped(key), setup, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PostCodeAsync(first, "/staff/two-factor", setup, "000000")).StatusCode);
        var enabled = await PostCodeAsync(first, "/staff/two-factor", setup, Totp(key));
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        Assert.Equal("/console", enabled.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(new Uri("/console", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(new Uri("/api/console/queue", UriKind.Relative))).StatusCode);

        // The next sign-in needs the password and then a code; a wrong code opens nothing.
        using var second = Browser();
        var password = await StaffSignInTests.SignInAsync(second, Email, StaffAccounts.Password);
        Assert.Equal("/admin/login/two-factor", password.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync(new Uri("/console", UriKind.Relative))).StatusCode);
        var prompt = await second.GetStringAsync(new Uri("/admin/login/two-factor", UriKind.Relative));
        var wrong = await PostCodeAsync(second, "/admin/login/two-factor", prompt, "123456");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync(new Uri("/console", UriKind.Relative))).StatusCode);
        var signedIn = await PostCodeAsync(second, "/admin/login/two-factor", prompt, Totp(key));
        Assert.Equal("/console", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync(new Uri("/console", UriKind.Relative))).StatusCode);

        // A role that does not require it signs in with a password alone.
        using var admin = Browser();
        Assert.Equal("/admin", (await StaffSignInTests.SignInAsync(admin, "admin@example.org", StaffAccounts.Password)).Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
    }

    private async Task<string> KeyAsync()
    {
        await using var scope = _bot.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        return (await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(Email))!))!;
    }

    private static string Grouped(string key) => string.Join(' ', key.Chunk(4).Select(c => new string(c))).ToLowerInvariant();

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string path, string page, string code) =>
        await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Code"] = code,
            ["ReturnUrl"] = "/console",
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups[1].Value,
        }));

    /// <summary>The code an authenticator app shows now: HOTP (RFC 4226) over 30-second steps of the base32 key.</summary>
    private static string Totp(string base32Key)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(base32Key.TrimEnd('=').ToUpperInvariant().Select(c => Convert.ToString(alphabet.IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        var secret = Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1; this computes what they show.
        var hash = HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7fffffff) % 1_000_000;
        return value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
