using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Channels;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Channels.Fakes.Telegram;
using Avrr.Channels.Fakes.WhatsApp;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Avrr.Bot.Tests.Clients;

/// <summary>
/// A counsellor in the console (headless Chromium) and a person on each channel: web chat (the official Web Chat in
/// the same browser), Telegram and WhatsApp (through their fakes). The case appears without a reload, is claimed,
/// read and answered; the bot stays silent while the counsellor has the chat; a private note never reaches the
/// person; the person's HTML, script and right-to-left text show as plain text without a CSP violation; the hand-back
/// gives the person the menu again.
/// </summary>
public sealed class ConsoleBrowserTests
{
    private const int Wait = 20000;
    private static readonly string[] HeldReplies = ["First held reply", "Second held reply"];
    private const string Hostile = "<b>bold</b><img src=x onerror=alert(1)><script>alert(2)</script> مرحبا بكم";

    [RequiresChromiumFact]
    public async Task A_web_chat_person_is_claimed_answered_and_handed_back_from_the_console()
    {
        using var bot = LiveBot.Start(engine: null);
        await using var browser = await BrowserAsync();
        var page = await (await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } })).NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/?lang=en");
        await RunAsync(bot, browser.Browser, new WebChatPage(page, Content(bot)));
    }

    [RequiresChromiumFact]
    public async Task A_telegram_person_is_claimed_answered_and_handed_back_from_the_console()
    {
        const string token = "77:console-token";
        await using var telegram = await TelegramFake.StartAsync(token);
        using var bot = LiveBot.Start(engine: null, settings: new Dictionary<string, string?>
        {
            ["Channels:Telegram:Token"] = token,
            ["Channels:Telegram:ApiBaseUrl"] = telegram.ApiBaseUrl,
            ["Channels:Telegram:PollTimeoutSeconds"] = "1",
            ["Channels:Telegram:PerChatIntervalMilliseconds"] = "10",
        });
        await using var browser = await BrowserAsync();
        await RunAsync(bot, browser.Browser, new TelegramChat(new TelegramPerson(telegram, 5005), Content(bot)));
    }

    [RequiresChromiumFact]
    public async Task A_whatsapp_person_is_claimed_answered_outside_the_window_with_one_template_and_handed_back()
    {
        const string accessToken = "EAAG-console", phoneNumberId = "1098", appSecret = "console-app-secret-0123";
        await using var whatsApp = await WhatsAppFake.StartAsync(accessToken, phoneNumberId);
        using var bot = LiveBot.Start(engine: null, settings: new Dictionary<string, string?>
        {
            ["Channels:WhatsApp:AccessToken"] = accessToken,
            ["Channels:WhatsApp:PhoneNumberId"] = phoneNumberId,
            ["Channels:WhatsApp:AppSecret"] = appSecret,
            ["Channels:WhatsApp:VerifyToken"] = "verify-console",
            ["Channels:WhatsApp:GraphApiBaseUrl"] = whatsApp.GraphBaseUrl,
            ["Channels:WhatsApp:PerRecipientIntervalMilliseconds"] = "0",
            ["Channels:WhatsApp:Templates:en:Name"] = "avrr_reengage",
            ["Channels:WhatsApp:Templates:en:LanguageCode"] = "en_US",
        });
        await using var browser = await BrowserAsync();
        using var http = bot.CreateClient();
        var person = new WhatsAppChat(new WhatsAppPerson(whatsApp, http, phoneNumberId, appSecret, "4917000000001"), whatsApp, Content(bot));
        await RunAsync(bot, browser.Browser, person, async (console, reference) =>
        {
            // A day passes: the person last wrote 25 hours ago. No free text; one template; replies held until they answer.
            await using (var db = await bot.Factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync())
            {
                await db.Database.ExecuteSqlRawAsync("UPDATE channel_contacts SET last_inbound_at = {0}", DateTimeOffset.UtcNow.AddHours(-25).ToUnixTimeMilliseconds());
            }

            await console.ReloadAsync();
            await Assertions.Expect(console.Locator("#window")).ToContainTextAsync("window closed", new() { Timeout = Wait });
            await Assertions.Expect(console.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true })).ToBeDisabledAsync();
            var before = whatsApp.Sent.Count(s => s.To == person.WaId);
            await console.GetByRole(AriaRole.Button, new() { Name = "Send the re-engagement template" }).ClickAsync();
            await Assertions.Expect(console.Locator("#window")).ToContainTextAsync("template was sent", new() { Timeout = Wait });
            foreach (var text in HeldReplies)
            {
                await console.Locator("#message").FillAsync(text);
                await console.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
                await Assertions.Expect(console.Locator("#transcript li", new() { HasTextString = text }).Locator(".tick")).ToContainTextAsync("held", new() { Timeout = Wait });
            }

            await Task.Delay(1000);
            var outside = whatsApp.Sent.Where(s => s.To == person.WaId).Skip(before).ToList();
            Assert.Equal("template", Assert.Single(outside).Type);

            await person.WritesAsync("ok I am here");
            await person.ReadsAsync("First held reply");
            await person.ReadsAsync("Second held reply");
            var texts = whatsApp.Sent.Where(s => s.To == person.WaId).Select(s => s.Text).ToList();
            Assert.True(texts.FindIndex(t => t.Contains("First held reply", StringComparison.Ordinal)) < texts.FindIndex(t => t.Contains("Second held reply", StringComparison.Ordinal)));
            Assert.Single(whatsApp.Sent, s => s.To == person.WaId && s.Type == "template");
            await Assertions.Expect(console.Locator("#transcript li", new() { HasTextString = "Second held reply" }).Locator(".tick")).Not.ToContainTextAsync("held", new() { Timeout = Wait });
        });
    }

    [RequiresChromiumFact]
    public async Task A_farsi_person_and_an_english_counsellor_read_each_other_through_automatic_translation()
    {
        const string key = "translator-key-browser";
        await using var translator = await Avrr.Channels.Fakes.Translation.TranslatorFake.StartAsync(key);
        using var bot = LiveBot.Start(engine: null, settings: new Dictionary<string, string?>
        {
            ["Translation:Provider"] = "LibreTranslate",
            ["Translation:LibreTranslate:Endpoint"] = translator.LibreTranslateEndpoint,
            ["Translation:LibreTranslate:ApiKey"] = key,
        });
        const string farsi = "پاسپورت من در خانه عمه‌ام است";
        const string english = "My passport is at my aunt's house";
        const string reply = "We can help you get a travel document.";
        const string replyFarsi = "ما می‌توانیم به شما کمک کنیم سند سفر بگیرید.";
        translator.Teach("fa", "en", farsi, english);
        translator.Teach("en", "fa", reply, replyFarsi);
        var s = Content(bot);
        await Counsellors.AddAsync(bot.Factory.Services, "amira@example.org");
        await using var browser = await BrowserAsync();

        var page = await (await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } })).NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/?lang=fa");
        foreach (var choice in new[] { "فارسی", s.Said("consent.yes", "fa"), s.Said("menu.counsellor", "fa") })
        {
            await page.Locator("button.webchat__suggested-action", new() { HasTextString = choice }).Last.ClickAsync(new() { Timeout = Wait });
        }

        var reference = await OpenCaseAsync(bot);
        var console = await (await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } })).NewPageAsync();
        var problems = new List<string>();
        console.Console += (_, message) => { if (message.Type == "error") { problems.Add(message.Text); } };
        console.PageError += (_, error) => problems.Add(error);
        await console.GotoAsync(bot.BaseUrl + "/admin/login");
        await console.FillAsync("input[name=Email]", "amira@example.org");
        await console.FillAsync("input[name=Password]", StaffAccounts.Password);
        await console.ClickAsync("button[type=submit]");
        await console.WaitForURLAsync("**/console", new() { Timeout = Wait });
        await Assertions.Expect(console.Locator("body[data-live=true]")).ToHaveCountAsync(1, new() { Timeout = Wait });
        var queue = console.GetByRole(AriaRole.Region, new() { Name = "Queue" });
        await Assertions.Expect(queue.Locator("#queue")).ToContainTextAsync(reference, new() { Timeout = Wait });
        await queue.GetByRole(AriaRole.Button, new() { Name = "Claim", Exact = true }).ClickAsync();
        var panel = console.GetByRole(AriaRole.Region, new() { Name = "Case" });
        await Assertions.Expect(panel.Locator("#case-title")).ToContainTextAsync(reference, new() { Timeout = Wait });

        // The person writes Farsi; the counsellor reads it in English, marked as automatic, with the original beside it.
        var input = page.Locator("[data-id=\"webchat-sendbox-input\"]");
        await input.FillAsync(farsi);
        await input.PressAsync("Enter");
        var line = panel.Locator("#transcript li.from-person", new() { HasTextString = farsi });
        await Assertions.Expect(line.Locator(".translation")).ToHaveTextAsync(english, new() { Timeout = Wait });
        await Assertions.Expect(line).ToContainTextAsync("Automatic translation (en)");
        Assert.Equal(farsi, (await line.Locator(".text").TextContentAsync())?.Trim());

        // The counsellor writes English; the person reads Farsi in Web Chat.
        await Assertions.Expect(panel.Locator("#translate-option")).ToBeVisibleAsync();
        await Assertions.Expect(panel.Locator("#translate")).ToBeCheckedAsync();
        await panel.Locator("#message").FillAsync(reply);
        await panel.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".webchat__bubble__content", new() { HasTextString = replyFarsi }).First).ToBeVisibleAsync(new() { Timeout = Wait });
        var sent = panel.Locator("#transcript li.from-counsellor", new() { HasTextString = replyFarsi });
        await Assertions.Expect(sent.Locator(".translation")).ToHaveTextAsync(reply, new() { Timeout = Wait });
        Assert.Equal(0, await page.Locator(".webchat__bubble__content", new() { HasTextString = reply }).CountAsync());
        Assert.True(problems.Count == 0, string.Join(" | ", problems));
        await console.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "avrr-console-translation.png"), FullPage = true });
    }

    private static IKnowledgeSnapshot Content(LiveBot bot) => bot.Factory.Services.GetRequiredService<IKnowledgeSource>().Current;

    /// <summary>The flow every channel shares; <paramref name="whileClaimed"/> adds a channel's own checks.</summary>
    private static async Task RunAsync(LiveBot bot, IBrowser browser, IPerson person, Func<IPage, string, Task>? whileClaimed = null)
    {
        var s = Content(bot);
        string S(string key) => s.Said(key, "en");
        await Counsellors.AddAsync(bot.Factory.Services, "amira@example.org");

        // The counsellor signs in once and lands on the console; one click switches the alert sound on.
        var console = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } })).NewPageAsync();
        var violations = new List<string>();
        console.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Type == "error")
            {
                violations.Add($"{message.Text} ({message.Location})");
            }
        };
        console.PageError += (_, error) => violations.Add(error);
        // Live updates come over a WebSocket opened without the negotiate request (no sticky sessions needed).
        var hubSockets = 0;
        var negotiations = 0;
        console.WebSocket += (_, socket) => hubSockets += socket.Url.Contains("/console/hub", StringComparison.Ordinal) ? 1 : 0;
        console.Request += (_, request) => negotiations += request.Url.Contains("/console/hub/negotiate", StringComparison.Ordinal) ? 1 : 0;
        console.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                violations.Add($"{response.Status} {response.Url}");
            }
        };
        await console.GotoAsync(bot.BaseUrl + "/admin/login");
        await console.FillAsync("input[name=Email]", "amira@example.org");
        await console.FillAsync("input[name=Password]", StaffAccounts.Password);
        await console.ClickAsync("button[type=submit]");
        await console.WaitForURLAsync("**/console", new() { Timeout = Wait });
        await Assertions.Expect(console.Locator("body[data-live=true]")).ToHaveCountAsync(1, new() { Timeout = Wait });
        Assert.Equal((1, 0), (hubSockets, negotiations));
        await console.GetByRole(AriaRole.Button, new() { Name = "Turn on alert sound" }).ClickAsync();
        await Assertions.Expect(console.Locator("#sound")).ToHaveAttributeAsync("aria-pressed", "true");

        // The person asks for a counsellor; the case appears in the queue without a reload.
        await person.AsksForACounsellorAsync();
        var reference = await OpenCaseAsync(bot);
        await person.ReadsAsync(reference);
        var queue = console.GetByRole(AriaRole.Region, new() { Name = "Queue" });
        await Assertions.Expect(queue.Locator("#queue")).ToContainTextAsync(reference, new() { Timeout = Wait });

        // Claim, read the summary, reply.
        await queue.GetByRole(AriaRole.Button, new() { Name = "Claim", Exact = true }).ClickAsync();
        var panel = console.GetByRole(AriaRole.Region, new() { Name = "Case" });
        await Assertions.Expect(panel.Locator("#case-title")).ToContainTextAsync(reference, new() { Timeout = Wait });
        await Assertions.Expect(panel.Locator("#summary")).ToContainTextAsync("Consent: given", new() { Timeout = Wait });
        await person.ReadsAsync(s.Said("case.joined", "en", new Dictionary<string, string> { ["name"] = "Amira" }));
        await panel.Locator("#message").FillAsync("Hello, I am Amira. How can I help you?");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await person.ReadsAsync("Hello, I am Amira. How can I help you?");

        // The bot stays silent on the person's next message, which the counsellor sees live, as plain text.
        var sentBefore = await person.RepliesAsync();
        await person.WritesAsync(Hostile);
        var line = panel.Locator("#transcript li.from-person", new() { HasTextString = "مرحبا بكم" });
        await Assertions.Expect(line).ToHaveCountAsync(1, new() { Timeout = Wait });
        Assert.Equal(Hostile, (await line.Locator(".text").TextContentAsync())?.Trim());
        Assert.Equal(0, await panel.Locator("#transcript b, #transcript img, #transcript script").CountAsync());
        await Task.Delay(1000);
        Assert.Equal(sentBefore, await person.RepliesAsync());

        // A private note stays in the console.
        await panel.Locator("#note").FillAsync("PRIVATE: passport with the aunt in Liège");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Add note", Exact = true }).ClickAsync();
        await Assertions.Expect(panel.Locator("#notes")).ToContainTextAsync("PRIVATE: passport", new() { Timeout = Wait });

        if (whileClaimed is not null)
        {
            await whileClaimed(console, reference);
        }

        // Hand back: the bot resumes at the menu.
        await panel.Locator("#resume-at").SelectOptionAsync("menu");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Hand back to the bot", Exact = true }).ClickAsync();
        await person.ReadsAsync(S("case.handed_back"));
        await person.ReadsAsync(S("menu.prompt"));
        Assert.False(await person.EverReadAsync("PRIVATE"));
        await Assertions.Expect(panel.Locator("#case-title")).ToContainTextAsync("closed", new() { Timeout = Wait });
        Assert.True(violations.Count == 0, "Console errors or CSP violations: " + string.Join(" | ", violations));
        await console.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"avrr-console-{person.GetType().Name}.png"), FullPage = true });
    }

    private static async Task<string> OpenCaseAsync(LiveBot bot)
    {
        for (var i = 0; i < 400; i++)
        {
            await using var db = await bot.Factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
            if (await db.Cases.Select(c => c.Reference).FirstOrDefaultAsync() is { } reference)
            {
                return reference;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No case was opened.");
    }

    private static async Task<Chromium> BrowserAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ClientRequirements.ChromiumPath,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--autoplay-policy=document-user-activation-required"],
        });
        return new Chromium(playwright, browser);
    }

    private sealed class Chromium(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public IBrowser Browser => browser;

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private interface IPerson
    {
        Task AsksForACounsellorAsync();

        Task WritesAsync(string text);

        Task ReadsAsync(string text);

        /// <summary>How many messages reached the person so far.</summary>
        Task<int> RepliesAsync();

        Task<bool> EverReadAsync(string text);
    }

    private sealed class WebChatPage(IPage page, IKnowledgeSnapshot content) : IPerson
    {
        private ILocator Bubbles(string text) => page.Locator(".webchat__bubble__content", new() { HasTextString = text });

        public async Task AsksForACounsellorAsync()
        {
            foreach (var choice in new[] { "English", content.Said("consent.yes", "en"), content.Said("menu.counsellor", "en") })
            {
                await page.Locator("button.webchat__suggested-action", new() { HasTextString = choice }).Last.ClickAsync(new() { Timeout = Wait });
            }
        }

        public async Task WritesAsync(string text)
        {
            var input = page.Locator("[data-id=\"webchat-sendbox-input\"]");
            await input.FillAsync(text);
            await input.PressAsync("Enter");
        }

        public async Task ReadsAsync(string text) => await Assertions.Expect(Bubbles(text).First).ToBeVisibleAsync(new() { Timeout = Wait });

        public Task<int> RepliesAsync() => page.Locator(".webchat__bubble:not(.webchat__bubble--from-user)").CountAsync();

        public async Task<bool> EverReadAsync(string text) => await Bubbles(text).CountAsync() > 0;
    }

    private sealed class TelegramChat(TelegramPerson person, IKnowledgeSnapshot content) : IPerson
    {
        public async Task AsksForACounsellorAsync()
        {
            person.Types("hello");
            await person.ReadsAsync(content.Said("lang.prompt", "en"));
            person.Presses("English");
            await person.ReadsAsync(content.Said("consent.short", "en")[..40]);
            person.Presses(content.Said("consent.yes", "en"));
            await person.ReadsAsync(content.Said("menu.prompt", "en"));
            person.Presses(content.Said("menu.counsellor", "en"));
        }

        public Task WritesAsync(string text)
        {
            person.Types(text);
            return Task.CompletedTask;
        }

        public Task ReadsAsync(string text) => person.ReadsAsync(text);

        public Task<int> RepliesAsync() => Task.FromResult(person.Sent.Count);

        public Task<bool> EverReadAsync(string text) => Task.FromResult(person.Sent.Any(s => s.Text.Contains(text, StringComparison.Ordinal)));
    }

    private sealed class WhatsAppChat(WhatsAppPerson person, WhatsAppFake fake, IKnowledgeSnapshot content) : IPerson
    {
        public string WaId => person.WaId;

        public async Task AsksForACounsellorAsync()
        {
            await person.WritesAsync("hello");
            await person.ReadsAsync(content.Said("lang.prompt", "en"));
            await person.PressesAsync("English");
            await person.ReadsAsync(content.Said("consent.short", "en")[..40]);
            await person.PressesAsync(content.Said("consent.yes", "en"));
            await person.ReadsAsync(content.Said("menu.prompt", "en"));
            await person.PressesAsync(content.Said("menu.counsellor", "en"));
        }

        public Task WritesAsync(string text) => person.WritesAsync(text);

        public async Task ReadsAsync(string text) => await person.ReadsAsync(text);

        public Task<int> RepliesAsync() => Task.FromResult(fake.Sent.Count(s => s.To == person.WaId));

        public Task<bool> EverReadAsync(string text) => Task.FromResult(fake.Sent.Any(s => s.To == person.WaId && s.Text.Contains(text, StringComparison.Ordinal)));
    }
}
