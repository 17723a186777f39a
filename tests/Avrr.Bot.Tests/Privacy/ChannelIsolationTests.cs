using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.WhatsApp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Webhook = Avrr.Channels.Fakes.WhatsApp.WhatsAppWebhook;

namespace Avrr.Bot.Tests.Privacy;

/// <summary>
/// The Direct Line secret (which an embedding site's backend holds) and any conversation token reach only Direct Line
/// conversations, and only their own; every other request gets the answer an unknown id gets.
/// </summary>
public sealed class ChannelIsolationTests : IAsyncLifetime
{
    private const string AccessToken = "EAAG-isolation";
    private const string PhoneNumberId = "109000000002";
    private const string AppSecret = "isolation-app-secret";
    private const string WaId = "4917612345678";

    private WhatsAppFake _whatsApp = null!;
    private BotFactory _bot = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _whatsApp = await WhatsAppFake.StartAsync(AccessToken, PhoneNumberId);
        _bot = new BotFactory()
            .With("Channels:WhatsApp:AccessToken", AccessToken)
            .With("Channels:WhatsApp:PhoneNumberId", PhoneNumberId)
            .With("Channels:WhatsApp:AppSecret", AppSecret)
            .With("Channels:WhatsApp:VerifyToken", "verify")
            .With("Channels:WhatsApp:GraphApiBaseUrl", _whatsApp.GraphBaseUrl);
        _http = _bot.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _bot.Dispose();
        await _whatsApp.DisposeAsync();
    }

    [Fact]
    public async Task The_secret_and_tokens_get_404_for_a_whatsapp_conversation_as_for_an_unknown_id()
    {
        var now = DateTimeOffset.UtcNow;
        _whatsApp.UserMessaged(WaId, now);
        var body = Webhook.TextMessage(PhoneNumberId, WaId, "wamid.isolation1", "hello, my name is Farid", now);
        using (var post = new HttpRequestMessage(HttpMethod.Post, "/channels/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        {
            post.Headers.Add(Webhook.SignatureHeader, Webhook.Sign(body, AppSecret));
            Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(post)).StatusCode);
        }

        var whatsApp = await Stored.WaitForConversationAsync(_bot.Services, "whatsapp", WaId);
        Assert.Matches("^[0-9a-f]{32}$", whatsApp);
        var stranger = await DirectLineClient.StartAsync(_http);
        var unknown = Guid.NewGuid().ToString("N");

        foreach (var id in new[] { whatsApp, unknown, "whatsapp:" + WaId, "whatsapp%3A" + WaId })
        {
            foreach (var (method, path, json) in Requests(id))
            {
                using var withSecret = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
                withSecret.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BotFactory.DirectLineSecret);
                using var withToken = stranger.Request(method, path, json);

                Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(withSecret)).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(withToken)).StatusCode);
            }
        }

        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        // Nothing was created or added by those requests: the WhatsApp conversation and the stranger's empty one.
        Assert.Equal(2, await db.Conversations.CountAsync());
        Assert.Equal("whatsapp", (await db.Conversations.SingleAsync(c => c.Id == whatsApp)).Channel);
        Assert.DoesNotContain(await db.Activities.Select(a => a.ConversationId).ToListAsync(), c => c != whatsApp);
    }

    [Fact]
    public async Task The_secret_still_reaches_direct_line_conversations()
    {
        var client = await DirectLineClient.StartAsync(_http);
        (await client.PostActivityAsync("hello")).EnsureSuccessStatusCode();

        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities");
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BotFactory.DirectLineSecret);

        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(read)).StatusCode);
    }

    private static IEnumerable<(HttpMethod Method, string Path, string? Json)> Requests(string id) =>
    [
        (HttpMethod.Get, $"/v3/directline/conversations/{id}/activities", null),
        (HttpMethod.Get, $"/v3/directline/conversations/{id}", null),
        (HttpMethod.Post, $"/v3/directline/conversations/{id}/activities", "{\"type\":\"message\",\"text\":\"who is this?\"}"),
        (HttpMethod.Post, $"/v3/directline/conversations/{id}/upload", null),
    ];
}
