using System.Net;
using System.Text;
using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.Telegram;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Avrr.Bot.Tests.Channels;

/// <summary>The Telegram channel against an exact Bot API fake on 127.0.0.1: polling, webhook, limits, errors.</summary>
public sealed class TelegramChannelTests : IAsyncLifetime
{
    private const string Token = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz";
    private const string Secret = "webhook-secret_0123456789";
    private TelegramFake _fake = null!;

    public async Task InitializeAsync() => _fake = await TelegramFake.StartAsync(Token);

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private BotFactory Bot(bool webhook = false, int perChatMs = 50, string? directory = null, FakeTimeProvider? time = null, int messagesPerSecond = 25)
    {
        var factory = new BotFactory(directory) { Time = time }
            .With("Channels:Telegram:MessagesPerSecond", messagesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Channels:Telegram:Token", Token)
            .With("Channels:Telegram:ApiBaseUrl", _fake.ApiBaseUrl)
            .With("Channels:Telegram:PollTimeoutSeconds", "1")
            .With("Channels:Telegram:PerChatIntervalMilliseconds", perChatMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (webhook)
        {
            factory.With("Channels:Telegram:Mode", "Webhook").With("Channels:Telegram:WebhookSecret", Secret).With("Channels:Telegram:PublicUrl", "https://bot.example.org");
        }

        factory.CreateClient().Dispose();
        return factory;
    }

    private static IKnowledgeSnapshot Content(BotFactory bot) => bot.Services.GetRequiredService<IKnowledgeSource>().Current;

    [Fact]
    public async Task The_intake_runs_end_to_end_over_long_polling_with_buttons_typing_and_answered_callbacks()
    {
        using var bot = Bot();
        var k = Content(bot);
        string S(string key) => k.Said(key, "en");
        var person = new TelegramPerson(_fake, 4711);

        person.Types("/start");
        var greeting = await person.ReadsAsync(S("lang.prompt"));
        Assert.Contains(TelegramPerson.Buttons(greeting), b => b.Text == "العربية");
        person.Presses("English");
        await person.ReadsAsync(S("consent.short"));
        person.Presses(S("consent.yes"));
        await person.ReadsAsync(S("menu.prompt"));
        person.Presses(S("menu.check"));
        await person.ReadsAsync(S("q.host_country"));
        person.Presses(S("country.NL"));
        await person.ReadsAsync(S("q.status"));
        person.Types("3");
        await person.ReadsAsync(S("q.destination"));
        person.Types("1");
        await person.ReadsAsync(S("q.means"));
        person.Presses(S("common.no"));
        await person.ReadsAsync(S("q.previous_return"));
        person.Presses(S("common.no"));
        await person.ReadsAsync(S("q.travel_document"));
        person.Presses(S("travel_document.can_get"));
        await person.ReadsAsync(S("q.health"));
        person.Types("no");
        person.Types("no");
        person.Types("no");
        var outcome = await person.ReadsAsync(k.Said("outcome.likely_eligible", "en", new Dictionary<string, string> { ["programme"] = S("programme.nl.name") }));
        Assert.NotNull(outcome);

        // Every press was answered, typing was shown, used keyboards were removed.
        var presses = _fake.Requests.Count(r => r.Method == "answerCallbackQuery");
        Assert.True(presses >= 7, $"answered {presses}");
        Assert.Equal(presses, _fake.AnsweredCallbackIds.Count);
        Assert.Contains(_fake.ChatActions, a => a.ChatId == 4711 && a.Action == "typing");
        Assert.Contains(_fake.Requests, r => r.Method == "editMessageReplyMarkup" && r.Status == 200);
        Assert.All(_fake.Sent, s => Assert.True(s.Text.Length <= 4096));
    }

    [Fact]
    public async Task A_deep_link_from_a_qr_code_starts_in_its_language_and_host_country()
    {
        using var bot = Bot();
        var k = Content(bot);
        var person = new TelegramPerson(_fake, 99, "fr");

        person.Types("/start BE_ar");
        await person.ReadsAsync(k.Said("consent.short", "ar"));
        person.Presses(k.Said("consent.yes", "ar"));
        await person.ReadsAsync(k.Said("menu.prompt", "ar"));
        person.Presses(k.Said("menu.check", "ar"));
        await person.ReadsAsync(k.Said("q.status", "ar"));
    }

    [Fact]
    public async Task Webhook_calls_without_the_secret_are_refused_and_store_nothing_and_a_replayed_update_runs_one_turn()
    {
        // The chat exists on Telegram's side (the person wrote to the bot before), or sends would get "chat not found".
        _fake.UserSends(555, "hi");
        using var bot = Bot(webhook: true);
        await _fake.WaitForRequestsAsync("setWebhook", 1, TimeSpan.FromSeconds(10));
        Assert.Equal("https://bot.example.org/channels/telegram", _fake.WebhookUrl);
        using var http = bot.CreateClient();
        const string update = """{"update_id":5001,"message":{"message_id":7,"date":1790000000,"chat":{"id":555,"type":"private"},"from":{"id":555,"is_bot":false,"first_name":"A","language_code":"en"},"text":"hello"}}""";

        foreach (var secret in new string?[] { null, "", "wrong", Secret + "x", Secret[..^1] })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
            if (secret is not null)
            {
                request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(request)).StatusCode);
        }

        Assert.Equal(0, await InboxCountAsync(bot));

        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/telegram") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }

        var person = new TelegramPerson(_fake, 555);
        await person.ReadsAsync(Content(bot).Said("lang.prompt", "en"));
        // A replay is refused before it is stored, so no second turn can follow the first.
        Assert.Equal(1, await InboxCountAsync(bot));
        Assert.Single(_fake.Sent, s => s.ChatId == 555);
    }

    [Fact]
    public async Task A_replayed_update_after_a_restart_runs_no_second_turn()
    {
        var directory = Path.Combine(Path.GetTempPath(), "avrr-tests", Guid.NewGuid().ToString("N"));
        using (var first = Bot(directory: directory))
        {
            _fake.UserSends(321, "hello");
            await new TelegramPerson(_fake, 321).ReadsAsync(Content(first).Said("lang.prompt", "en"));
        }

        // The same update again, as Telegram redelivers after a crash before the offset was confirmed.
        _fake.Deliver(System.Text.Json.Nodes.JsonNode.Parse("""{"message":{"message_id":1,"date":1790000000,"chat":{"id":321,"type":"private"},"from":{"id":321,"is_bot":false,"first_name":"A"},"text":"hello"}}""")!.AsObject());
        using var second = Bot(directory: directory);
        await _fake.WaitForRequestsAsync("getUpdates", _fake.Requests.Count(r => r.Method == "getUpdates") + 2, TimeSpan.FromSeconds(10));

        Assert.Single(_fake.Sent, s => s.ChatId == 321);
        Assert.Equal(1, await InboxCountAsync(second));
    }

    [Fact]
    public async Task A_429_with_retry_after_3_holds_that_chat_exactly_3_seconds_on_the_bots_clock_and_no_other_chat()
    {
        var time = WholeSecondClock();
        using var bot = OnFakeClock(time);
        var k = Content(bot);
        var slow = new TelegramPerson(_fake, 1001);
        var other = new TelegramPerson(_fake, 1002);
        _fake.FailNext("sendMessage", 429, "Too Many Requests: retry after 3", retryAfter: 3, chatId: 1001);

        slow.Types("hello");
        other.Types("hello");
        await other.ReadsAsync(k.Said("lang.prompt", "en"));
        await _fake.WaitForRequestsAsync("sendMessage", 2, TimeSpan.FromSeconds(10));
        var refusedAt = time.GetUtcNow();

        // The clock has not moved: the refused reply waits for exactly retry_after, and nothing reached that chat.
        Assert.Equal(refusedAt + TimeSpan.FromSeconds(3), await NextAttemptAsync(bot, 1001));
        Assert.Empty(slow.Sent);

        time.Advance(TimeSpan.FromSeconds(3));
        await slow.ReadsAsync(k.Said("lang.prompt", "en"));
    }

    [Fact]
    public async Task A_server_error_is_retried_after_the_first_back_off_and_then_delivered()
    {
        var time = WholeSecondClock();
        using var bot = OnFakeClock(time);
        var person = new TelegramPerson(_fake, 1003);
        _fake.FailNext("sendMessage", 502, "Bad Gateway", chatId: 1003);

        person.Types("hello");
        await _fake.WaitForRequestsAsync("sendMessage", 1, TimeSpan.FromSeconds(10));

        // The first back-off is a second of full jitter on top of a quarter second.
        var wait = await NextAttemptAsync(bot, 1003) - time.GetUtcNow();
        Assert.InRange(wait, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1250));
        Assert.Empty(person.Sent);
        time.Advance(wait);
        await person.ReadsAsync(Content(bot).Said("lang.prompt", "en"));
    }

    /// <summary>The store keeps milliseconds: a clock on a whole second compares exactly with what it reads back.</summary>
    private static FakeTimeProvider WholeSecondClock() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>
    /// The host on a fake clock, paced so that no send waits for the clock (a wait under a millisecond is skipped):
    /// what these tests look at is when a refused message is due again.
    /// </summary>
    private BotFactory OnFakeClock(FakeTimeProvider time) => Bot(perChatMs: 0, time: time, messagesPerSecond: 1_000_000);

    /// <summary>When the chat's first undelivered reply is due again, once its failed attempt is recorded.</summary>
    private static async Task<DateTimeOffset> NextAttemptAsync(BotFactory bot, long chatId)
    {
        var conversationId = await Stored.WaitForConversationAsync(bot.Services, "telegram", TelegramIntake.Address(chatId));
        long? due = null;
        await Until.TrueAsync(async () =>
        {
            await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
            due = await db.Activities.Where(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.Out && a.Delivery == DeliveryStatus.Pending && a.Attempts > 0)
                .OrderBy(a => a.Seq).Select(a => a.NextAttemptAt).FirstOrDefaultAsync();
            return due is not null;
        }, $"a failed attempt to be recorded for chat {chatId}");
        return DateTimeOffset.FromUnixTimeMilliseconds(due!.Value);
    }

    [Fact]
    public async Task A_person_who_blocked_the_bot_is_marked_opted_out_and_nothing_is_retried()
    {
        using var bot = Bot(perChatMs: 2000);
        // The person writes, then blocks the bot before the reply goes out.
        _fake.UserSends(2002, "hello");
        _fake.BlockBot(2002);
        await Until.TrueAsync(async () => await OptedOutAsync(bot, 2002) && await PendingTurnsAsync(bot) == 0, "the person to be opted out and the message's turn to be committed");
        var conversationId = await Stored.WaitForConversationAsync(bot.Services, "telegram", "2002");
        await Until.TrueAsync(async () => await PendingRepliesAsync(bot, conversationId) == 0, "every reply to be settled");
        // Telegram also reports the block as an update: depending on which arrives first, the reply is refused (403)
        // or never tried. Either way nothing is retried.
        Assert.True(_fake.Requests.Count(r => r.Method == "sendMessage") <= 1);
        await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        Assert.All(await db.Activities.Where(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.Out).ToListAsync(), a =>
        {
            Assert.Equal(DeliveryStatus.Failed, a.Delivery);
            Assert.Contains("blocked", a.LastError, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_message_in_a_conversation_a_counsellor_owns_goes_to_the_counsellor_not_the_bot()
    {
        using var bot = Bot();
        var person = new TelegramPerson(_fake, 3003);
        person.Types("hello");
        await person.ReadsAsync(Content(bot).Said("lang.prompt", "en"));
        person.Types("counsellor");
        var conversationId = await Stored.WaitForConversationAsync(bot.Services, "telegram", "3003");
        var reference = await Counsellors.OpenCaseAsync(bot.Services, conversationId);
        await person.ReadsAsync(reference);
        await Counsellors.ClaimAsync(bot.Services, reference, await Counsellors.AddAsync(bot.Services, "amira@example.org"));
        await person.ReadsAsync("Amira");
        var sent = _fake.Sent.Count(s => s.ChatId == 3003);
        await using var check = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        var replies = await check.Activities.CountAsync(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.Out);

        person.Types("I need to talk to someone");
        await Until.TrueAsync(async () => await InboxCountAsync(bot) == 3 && await PendingTurnsAsync(bot) == 0, "the message's turn to be committed");

        // The turn is committed and wrote no reply: there is nothing the relay could still send.
        Assert.Equal(replies, await check.Activities.CountAsync(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.Out));
        Assert.Equal(sent, _fake.Sent.Count(s => s.ChatId == 3003));
        // Messages before the case were not kept (no consent); the one for the counsellor is.
        Assert.Equal(1, await check.Activities.CountAsync(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.In));
    }

    [Fact]
    public async Task Blocking_the_bot_marks_the_person_opted_out_at_once()
    {
        using var bot = Bot();
        var person = new TelegramPerson(_fake, 4004);
        person.Types("hello");
        await person.ReadsAsync(Content(bot).Said("lang.prompt", "en"));

        _fake.BlockBot(4004);
        await Until.TrueAsync(() => OptedOutAsync(bot, 4004), "the person to be opted out");
    }

    private static async Task<int> PendingRepliesAsync(BotFactory bot, string conversationId)
    {
        await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await db.Activities.CountAsync(a => a.ConversationId == conversationId && a.Direction == ActivityDirection.Out && a.Delivery == DeliveryStatus.Pending);
    }

    private static async Task<int> PendingTurnsAsync(BotFactory bot)
    {
        await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await db.Inbox.CountAsync(i => i.Status == InboxStatus.Pending);
    }

    private static async Task<int> InboxCountAsync(BotFactory bot)
    {
        await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await db.Inbox.CountAsync(i => i.Channel == "telegram");
    }

    private static async Task<bool> OptedOutAsync(BotFactory bot, long chatId)
    {
        var conversationId = await Stored.ConversationOfAsync(bot.Services, "telegram", chatId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var db = await bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        return await db.Conversations.AnyAsync(c => c.Id == conversationId && c.OptedOut);
    }
}
