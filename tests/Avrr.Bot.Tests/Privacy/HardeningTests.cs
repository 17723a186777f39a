using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>The hardening an attacker (or a busy proxy) meets at the edge: limits, cookies, headers, sign-in, input.</summary>
public sealed class HardeningTests : IDisposable
{
    private readonly BotFactory _bot = new();

    public void Dispose() => _bot.Dispose();

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_has_its_own_token_limit_and_an_untrusted_one_cannot_choose_its_address()
    {
        using var trusted = _bot.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Loopback))));
        using var http = trusted.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, "203.0.113.5")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await TokenAsync(http, "203.0.113.5")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(http, "203.0.113.6")).StatusCode);

        using var untrusted = _bot.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse("198.51.100.7")))));
        using var other = untrusted.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            await TokenAsync(other, "203.0.113." + (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Every claimed address counted against the one that connected.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TokenAsync(other, "203.0.113.250")).StatusCode);
    }

    [Fact]
    public async Task Posting_too_fast_to_one_conversation_gets_429_with_retry_after_and_stores_nothing_more()
    {
        using var bot = new BotFactory { Engine = new EchoEngine() }.With("Channels:DirectLine:PostsPerMinutePerConversation", "5");
        using var http = bot.CreateClient();
        var client = await DirectLineClient.StartAsync(http);
        for (var i = 0; i < 5; i++)
        {
            (await client.PostActivityAsync("message " + i)).EnsureSuccessStatusCode();
        }

        var refused = await client.PostActivityAsync("one too many");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("TooManyRequests", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
        Assert.DoesNotContain("one too many", await Stored.TextsAsync(bot.Services, client.ConversationId!));
        // Another conversation is not held back.
        var other = await DirectLineClient.StartAsync(http);
        (await other.PostActivityAsync("hello")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Only_the_activity_fields_the_bot_uses_are_stored()
    {
        using var bot = new BotFactory { Engine = new EchoEngine() };
        using var http = bot.CreateClient();
        var client = await DirectLineClient.StartAsync(http);
        var posted = new JsonObject
        {
            ["type"] = "message",
            ["text"] = "hello",
            ["locale"] = "en-US",
            ["from"] = new JsonObject { ["id"] = "someone-else", ["name"] = "Amina Haddad" },
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "image/png", ["contentUrl"] = "data:image/png;base64," + new string('A', 100_000) }),
            ["entities"] = new JsonArray(new JsonObject { ["type"] = "geo", ["latitude"] = 50.85 }),
            ["channelData"] = new JsonObject { ["clientActivityID"] = "c-1", ["device"] = "Pixel 4, Android 12, +32470000000" },
        };
        using (var request = client.Request(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities", posted.ToJsonString()))
        {
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var stored = (await Stored.TranscriptAsync(bot.Services, client.ConversationId!))[0].ToJsonString();
        Assert.Contains("\"text\":\"hello\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"clientActivityID\":\"c-1\"", stored, StringComparison.Ordinal);
        foreach (var dropped in new[] { "Amina", "someone-else", "attachments", "entities", "Pixel", "+32470000000", "latitude" })
        {
            Assert.DoesNotContain(dropped, stored, StringComparison.Ordinal);
        }

        // A message longer than anyone types is refused, not stored.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostActivityAsync(new string('x', 10_001))).StatusCode);
    }

    [Fact]
    public async Task Staff_cookies_are_secure_except_on_plain_http_localhost_and_every_page_has_a_security_policy()
    {
        await StaffAccounts.AddAsync(_bot.Services, "admin@example.org");
        using var remote = _bot.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://chat.example.org"), AllowAutoRedirect = false });
        var page = await remote.GetAsync(new Uri("/admin/login", UriKind.Relative));
        Assert.All(page.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        using var local = _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var signedIn = await Admin.StaffSignInTests.SignInAsync(local, "admin@example.org", StaffAccounts.Password);
        Assert.All(signedIn.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));

        foreach (var path in new[] { "/staff/account", "/admin", "/admin/login", "/admin/privacy", "/admin/denied" })
        {
            var response = await local.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.Headers.Contains("Content-Security-Policy"), path + " has no Content-Security-Policy");
            Assert.Contains("object-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_failed_sign_in_says_the_same_is_audited_and_guessing_from_one_address_is_throttled()
    {
        await StaffAccounts.AddAsync(_bot.Services, "admin@example.org");
        using var client = _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var unknown = await (await Admin.StaffSignInTests.SignInAsync(client, "nobody@example.org", "wrong password 1")).Content.ReadAsStringAsync();
        var wrong = await (await Admin.StaffSignInTests.SignInAsync(client, "admin@example.org", "wrong password 2")).Content.ReadAsStringAsync();
        for (var i = 3; i <= 6; i++)
        {
            await Admin.StaffSignInTests.SignInAsync(client, "admin@example.org", "wrong password " + i);
        }

        // Locked now, with the right password: the same words as for an unknown account.
        var locked = await (await Admin.StaffSignInTests.SignInAsync(client, "admin@example.org", StaffAccounts.Password)).Content.ReadAsStringAsync();
        var message = System.Net.WebUtility.HtmlEncode(Avrr.Bot.Staff.Pages.LoginModel.Failure);
        Assert.Contains(message, unknown, StringComparison.Ordinal);
        Assert.Contains(message, wrong, StringComparison.Ordinal);
        Assert.Contains(message, locked, StringComparison.Ordinal);

        await using (var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync())
        {
            var failed = await db.AuditLog.Where(a => a.Action == "staff.sign_in_failed").ToListAsync();
            Assert.Equal(7, failed.Count);
            Assert.Contains(failed, a => a.Target == "an unknown email");
            Assert.Contains(failed, a => a.Target == "admin@example.org" && a.Detail!.StartsWith("locked out", StringComparison.Ordinal));
            // What was typed as a password is never recorded.
            Assert.DoesNotContain(failed, a => $"{a.Target} {a.Detail}".Contains("wrong password 2", StringComparison.Ordinal));
        }

        for (var i = 0; i < 5; i++)
        {
            await Admin.StaffSignInTests.SignInAsync(client, "nobody@example.org", "guess " + i);
        }

        var throttled = await Admin.StaffSignInTests.SignInAsync(client, "nobody@example.org", "one more guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("Sunshine2024!!")]
    [InlineData("p4ssw0rd12345")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("marcel.dupont.2026")]
    public async Task Common_breached_and_personal_passwords_are_refused(string password)
    {
        _bot.CreateClient().Dispose();
        await using var scope = _bot.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

        var result = await users.CreateAsync(new IdentityUser { UserName = "marcel.dupont@example.org", Email = "marcel.dupont@example.org" }, password);

        Assert.Contains(result.Errors, e => e.Code == "CommonPassword");
    }

    [Fact]
    public async Task A_passphrase_is_accepted()
    {
        _bot.CreateClient().Dispose();
        await using var scope = _bot.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

        Assert.True((await users.CreateAsync(new IdentityUser { UserName = "a@example.org", Email = "a@example.org" }, "lantern orchard copper mist")).Succeeded);
    }

    [Fact]
    public async Task Malformed_requests_that_used_to_fail_with_500_get_4xx()
    {
        await StaffAccounts.AddAsync(_bot.Services, "admin@example.org");
        using var admin = _bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await Admin.StaffSignInTests.SignInAsync(admin, "admin@example.org", StaffAccounts.Password);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("/admin/versions/999999/export", UriKind.Relative))).StatusCode);

        using var telegram = new BotFactory()
            .With("Channels:Telegram:Token", "1:t")
            .With("Channels:Telegram:ApiBaseUrl", "http://127.0.0.1:9")
            .With("Channels:Telegram:Mode", "Webhook")
            .With("Channels:Telegram:PublicUrl", "https://bot.example.org")
            .With("Channels:Telegram:WebhookSecret", "s3cret");
        using var http = telegram.CreateClient();
        foreach (var update in new[]
        {
            """{"update_id":1,"message":{"message_id":5,"chat":{"id":"not-a-number","type":"private"},"text":"hi"}}""",
            """{"update_id":2,"message":{"message_id":"five","chat":{"id":42,"type":"private"},"text":"hi"}}""",
            """{"update_id":3,"callback_query":{"id":7,"data":"x","message":{"chat":{"id":42}}}}""",
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", "s3cret");
            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(request)).StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> TokenAsync(HttpClient http, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webchat/token");
        request.Headers.Add("X-Forwarded-For", client);
        return await http.SendAsync(request);
    }

    /// <summary>The test server has no socket: this gives requests the address a proxy (or a client) would connect from.</summary>
    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
