using System.Net;
using Avrr.Bot.Activities;
using Avrr.Bot.Console;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.WhatsApp;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Webhook = Avrr.Channels.Fakes.WhatsApp.WhatsAppWebhook;

namespace Avrr.Bot.Tests.Channels;

/// <summary>The WhatsApp channel against an exact Graph fake and signed webhooks: signatures, window, interactive messages.</summary>
public sealed class WhatsAppChannelTests : IAsyncLifetime
{
    private const string AccessToken = "EAAG-test-access-token";
    private const string PhoneNumberId = "109876543210";
    private const string AppSecret = "test-app-secret-0123456789";
    private const string VerifyToken = "verify-me-0123";
    private const string WaId = "4915112345678";
    private WhatsAppFake _fake = null!;
    private BotFactory _bot = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _fake = await WhatsAppFake.StartAsync(AccessToken, PhoneNumberId);
        _bot = new BotFactory()
            .With("Channels:WhatsApp:AccessToken", AccessToken)
            .With("Channels:WhatsApp:PhoneNumberId", PhoneNumberId)
            .With("Channels:WhatsApp:AppSecret", AppSecret)
            .With("Channels:WhatsApp:VerifyToken", VerifyToken)
            .With("Channels:WhatsApp:GraphApiBaseUrl", _fake.GraphBaseUrl)
            .With("Channels:WhatsApp:PerRecipientIntervalMilliseconds", "0")
            .With("Channels:WhatsApp:Templates:en:Name", "avrr_reengage")
            .With("Channels:WhatsApp:Templates:en:LanguageCode", "en_US");
        _http = _bot.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _bot.Dispose();
        await _fake.DisposeAsync();
    }

    private IKnowledgeSnapshot K => _bot.Services.GetRequiredService<IKnowledgeSource>().Current;

    private string S(string key) => K.Said(key, "en");

    private WhatsAppPerson Person(string waId = WaId) => new(_fake, _http, PhoneNumberId, AppSecret, waId);

    private Task<HttpResponseMessage> PostAsync(string body, string? signature) => Person().PostAsync(body, signature);

    private Task<string> WritesAsync(string text, DateTimeOffset? at = null, string waId = WaId) => Person(waId).WritesAsync(text, at);

    private Task PressesAsync(string title) => Person().PressesAsync(title);

    private Task<WhatsAppSent> ReadsAsync(string expected, string waId = WaId) => Person(waId).ReadsAsync(expected);

    [Fact]
    public async Task The_verification_handshake_echoes_the_challenge_only_for_the_right_token()
    {
        var ok = await _http.GetAsync(new Uri($"/channels/whatsapp?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());

        var wrong = await _http.GetAsync(new Uri("/channels/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Fact]
    public async Task Forged_or_missing_signatures_are_refused_and_store_nothing_while_the_escaped_unicode_form_is_accepted()
    {
        var body = Webhook.TextMessage(PhoneNumberId, WaId, "wamid.forged", "مرحبا — hello", DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body, Webhook.Sign(body, "another-secret"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body + " ", Webhook.Sign(body, AppSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body, "sha256=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(body, "sha1=abc")).StatusCode);
        Assert.Equal(0, await CountAsync(db => db.Inbox.CountAsync()));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Webhook.Sign(body, AppSecret, escapedUnicode: true))).StatusCode);
        Assert.Equal(1, await CountAsync(db => db.Inbox.CountAsync()));
    }

    [Fact]
    public async Task The_intake_runs_end_to_end_with_reply_buttons_lists_and_read_marks_and_a_replay_runs_no_second_turn()
    {
        var first = await WritesAsync("Hello");
        await ReadsAsync(S("lang.prompt"));
        // A redelivered notification (same wamid) produces no second turn.
        var replay = Webhook.TextMessage(PhoneNumberId, WaId, first, "Hello", DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(replay, Webhook.Sign(replay, AppSecret))).StatusCode);

        await WritesAsync("English");
        var consent = await ReadsAsync(S("consent.short"));
        Assert.Equal("button", consent.Body["interactive"]!["type"]!.GetValue<string>());
        await PressesAsync(S("consent.yes"));
        var menu = await ReadsAsync(S("menu.prompt"));
        Assert.Equal("list", menu.Body["interactive"]!["type"]!.GetValue<string>());
        await PressesAsync(S("menu.check"));
        await ReadsAsync(S("q.host_country"));
        await PressesAsync(S("country.NL"));
        await ReadsAsync(S("q.status"));
        await PressesAsync(S("status.no_permit"));
        await ReadsAsync(S("q.destination"));
        await PressesAsync(S("destination.origin"));
        await ReadsAsync(S("q.means"));
        await PressesAsync(S("common.no"));
        await ReadsAsync(S("q.previous_return"));
        await PressesAsync(S("common.no"));
        await ReadsAsync(S("q.travel_document"));
        await PressesAsync(S("common.yes"));
        await ReadsAsync(S("q.health"));
        await WritesAsync("no");
        await WritesAsync("no");
        await WritesAsync("no");
        await ReadsAsync(K.Said("outcome.likely_eligible", "en", new Dictionary<string, string> { ["programme"] = S("programme.nl.name") }));

        // One dedupe entry for the replayed message, kept as a keyed hash, never as the platform's id.
        var hashed = _bot.Services.GetRequiredService<Avrr.Bot.Privacy.BlindIndex>().Hash("whatsapp", first);
        Assert.Equal(1, await CountAsync(db => db.Inbox.CountAsync(i => i.ExternalId == hashed)));
        Assert.Equal(0, await CountAsync(db => db.Inbox.CountAsync(i => i.ExternalId == first)));
        Assert.Contains(first, _fake.ReadMarks);
        Assert.DoesNotContain(_fake.Requests, r => r.Status >= 400);
        Assert.All(_fake.Sent, s => Assert.NotEqual("template", s.Type));
    }

    [Fact]
    public async Task Outside_the_24_hour_window_a_counsellor_sends_no_free_text_one_template_and_the_held_replies_follow_the_answer()
    {
        await WritesAsync("Hello");
        await ReadsAsync(S("lang.prompt"));
        await WritesAsync("counsellor");
        var conversationId = await Stored.WaitForConversationAsync(_bot.Services, "whatsapp", WaId);
        var reference = await Counsellors.OpenCaseAsync(_bot.Services, conversationId);
        await ReadsAsync(reference);
        var amira = await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        await Counsellors.ClaimAsync(_bot.Services, reference, amira);
        await ReadsAsync("Amira");
        // A day passes: the person last wrote 25 hours ago.
        await CountAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE channel_contacts SET last_inbound_at = {0}", DateTimeOffset.UtcNow.AddHours(-25).ToUnixTimeMilliseconds()));
        var before = _fake.Requests.Count;

        // Free text is refused until the template went out; the template goes once; replies after it are held.
        var refused = Assert.IsType<CaseActionResult.Conflict>(await Counsellors.SendAsync(_bot.Services, reference, amira, "Can we talk tomorrow?"));
        Assert.Contains("template", refused.Message, StringComparison.Ordinal);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.Actions(_bot.Services).SendTemplateAsync(reference, amira, default));
        Assert.IsType<CaseActionResult.Conflict>(await Counsellors.Actions(_bot.Services).SendTemplateAsync(reference, amira, default));
        await ReadsAsync("template:avrr_reengage");
        var held = Assert.IsType<CaseActionResult.Done>(await Counsellors.SendAsync(_bot.Services, reference, amira, "A counsellor here: can we talk tomorrow?"));
        Assert.Equal("held", held.Delivery);
        Assert.IsType<CaseActionResult.Done>(await Counsellors.SendAsync(_bot.Services, reference, amira, "Second note."));
        // Both replies were committed as held: the relay has nothing it may send until the person writes.

        var outside = _fake.Requests.Skip(before).ToList();
        Assert.Single(outside);
        Assert.Contains("\"template\"", outside[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain(_fake.Requests, r => r.ErrorCode == 131047);
        Assert.Equal(2, await CountAsync(db => db.Activities.CountAsync(a => a.Delivery == DeliveryStatus.Held)));

        // The person answers: the window opens, the held replies go in order, and the bot stays silent.
        await WritesAsync("yes");
        var counsellor = await ReadsAsync("A counsellor here");
        var second = await ReadsAsync("Second note.");
        Assert.True(counsellor.At <= second.At);
        Assert.Single(_fake.Sent, s => s.Type == "template");
        Assert.Equal(0, await CountAsync(db => db.Activities.CountAsync(a => a.Delivery == DeliveryStatus.Held)));
    }

    [Fact]
    public async Task Status_reports_are_applied_as_a_monotonic_maximum()
    {
        await WritesAsync("Hello");
        await ReadsAsync(S("lang.prompt"));
        await PressesAsync("English");
        await ReadsAsync(S("consent.short"));
        await PressesAsync(S("consent.yes"));
        // With consent the transcript is kept, so the menu's delivery can be followed.
        var menu = await ReadsAsync(S("menu.prompt"));
        foreach (var status in new[] { "read", "delivered", "sent" })
        {
            var body = Webhook.Status(PhoneNumberId, menu.Wamid, WaId, status, DateTimeOffset.UtcNow);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Webhook.Sign(body, AppSecret))).StatusCode);
        }

        // The platform's message id is kept only as a keyed hash.
        var hashed = _bot.Services.GetRequiredService<Avrr.Bot.Privacy.BlindIndex>().Hash("whatsapp", menu.Wamid);
        Assert.Equal(DeliveryStatus.Read, await CountAsync(db => db.Activities.Where(a => a.ExternalMessageId == hashed).Select(a => a.Delivery).SingleAsync()));
        Assert.Equal(0, await CountAsync(db => db.Activities.CountAsync(a => a.ExternalMessageId == menu.Wamid)));
    }

    [Fact]
    public async Task A_voice_note_gets_an_answer_not_silence()
    {
        await WritesAsync("Hello");
        await ReadsAsync(S("lang.prompt"));
        var wamid = "wamid.voice-note";
        _fake.UserMessaged(WaId, DateTimeOffset.UtcNow);
        var body = Webhook.TextMessage(PhoneNumberId, WaId, wamid, "x", DateTimeOffset.UtcNow)
            .Replace("\"type\":\"text\",\"text\":{\"body\":\"x\"}", "\"type\":\"audio\",\"audio\":{\"id\":\"123\",\"mime_type\":\"audio/ogg\"}", StringComparison.Ordinal);
        Assert.Contains("\"audio\"", body, StringComparison.Ordinal);
        var before = _fake.Sent.Count;

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(body, Webhook.Sign(body, AppSecret))).StatusCode);

        await ReadsAsync(S("reprompt.choice"));
        Assert.True(_fake.Sent.Count > before);
    }

    [Fact]
    public void Long_labels_are_shortened_in_list_rows_without_losing_information()
    {
        var labels = new[] { "Short", "A label that is longer than twenty-four characters", new string('x', 90) };
        var activity = new Activity
        {
            Text = "Choose",
            SuggestedActions = new SuggestedActions { Actions = labels.Select(l => new CardAction { Title = l, Value = ActivityJson.ChoicePayload("v:" + l[..3]) }).ToList() },
        };

        var message = Avrr.Bot.Channels.WhatsApp.WhatsAppSender.Build(WaId, activity);

        var rows = message["interactive"]!["action"]!["sections"]![0]!["rows"]!.AsArray();
        Assert.All(rows, r => Assert.True(r!["title"]!.GetValue<string>().Length <= 24));
        Assert.Equal(labels[1], rows[1]!["description"]!.GetValue<string>());
        Assert.True(rows[2]!["description"]!.GetValue<string>().Length <= 72);
        Assert.Contains(labels[2], message["interactive"]!["body"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<T> CountAsync<T>(Func<AvrrDbContext, Task<T>> query)
    {
        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await query(db);
    }
}
