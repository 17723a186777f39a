using System.Net;
using Avrr.Bot.Tests.Admin;
using Avrr.Bot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Avrr.Bot.Tests.Channels;

public sealed class ChannelSettingsPageTests
{
    [Fact]
    public async Task The_channels_page_shows_each_channels_state_and_never_a_secret()
    {
        const string token = "424242:very-secret-telegram-token";
        const string accessToken = "EAAG-very-secret-access-token";
        const string appSecret = "very-secret-app-secret";
        using var bot = new BotFactory()
            .With("Channels:Telegram:Token", token)
            .With("Channels:Telegram:ApiBaseUrl", "http://127.0.0.1:9")
            .With("Channels:WhatsApp:AccessToken", accessToken)
            .With("Channels:WhatsApp:PhoneNumberId", "109876543210")
            .With("Channels:WhatsApp:AppSecret", appSecret)
            .With("Channels:WhatsApp:VerifyToken", "verify-token-secret");
        await StaffAccounts.AddAsync(bot.Services, "admin@example.org");
        using var client = bot.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await StaffSignInTests.SignInAsync(client, "admin@example.org", StaffAccounts.Password);
        var html = "";
        HttpResponseMessage page = null!;
        await Until.TrueAsync(async () =>
        {
            // The receiver reports its first failed call to the unreachable Bot API on its own time.
            page = await client.GetAsync(new Uri("/admin/channels", UriKind.Relative));
            html = await page.Content.ReadAsStringAsync();
            return html.Contains("HttpRequestException", StringComparison.Ordinal);
        }, "the page to show the receiver's failure");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("yes, long polling", html, StringComparison.Ordinal);
        Assert.Contains("3210", html, StringComparison.Ordinal);
        Assert.Contains("HttpRequestException", html, StringComparison.Ordinal);
        foreach (var secret in new[] { token, "very-secret", accessToken, appSecret, "verify-token-secret" })
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }
    }
}
