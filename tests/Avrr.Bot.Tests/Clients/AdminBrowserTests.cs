using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Avrr.Bot.Tests.Clients;

/// <summary>
/// An administrator in the browser changes an Arabic article, previews it, publishes it and rolls it back, while
/// people chat in the official Web Chat: a new conversation sees the change, one started before keeps its text.
/// </summary>
public sealed class AdminBrowserTests
{
    private const int Wait = 20000;

    [RequiresChromiumFact]
    public async Task An_administrator_edits_previews_publishes_and_rolls_back_an_arabic_article()
    {
        using var bot = LiveBot.Start(engine: null);
        var original = bot.Factory.Services.GetRequiredService<IKnowledgeSource>().Current;
        string S(string key) => original.Said(key, "ar");
        var article = original.FindArticle("stages", "ar")!;
        var oldLine = article.BodyMarkdown.Split('\n')[0].Trim();
        const string newLine = "تمر العودة الطوعية بثلاث مراحل، وهذا نص جديد راجعه المسؤول.";
        await StaffAccounts.AddAsync(bot.Factory.Services, "admin@example.org");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ClientRequirements.ChromiumPath,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

        // A conversation that starts before the change, and reads the article once.
        var before = await OpenChatAsync(browser, bot, S, article.Title);
        await Assertions.Expect(Bubbles(before, oldLine)).ToHaveCountAsync(1, new() { Timeout = Wait });

        // The administrator signs in, drafts the new Arabic text and previews it.
        var admin = await (await browser.NewContextAsync()).NewPageAsync();
        admin.Dialog += (_, dialog) => dialog.AcceptAsync();
        await admin.GotoAsync(bot.BaseUrl + "/admin");
        await admin.FillAsync("input[name=Email]", "admin@example.org");
        await admin.FillAsync("input[name=Password]", StaffAccounts.Password);
        await admin.ClickAsync("button[type=submit]");
        await admin.FillAsync("input[name=title]", "Clearer Arabic stages article");
        await admin.ClickAsync("text=Create draft");
        await admin.ClickAsync("a[lang=ar]");
        var form = admin.Locator("#article-stages");
        await form.Locator("textarea[name=body]").FillAsync(article.BodyMarkdown.Replace(oldLine, newLine, StringComparison.Ordinal));
        await form.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync("Saved article 'stages'", new() { Timeout = Wait });
        await Assertions.Expect(admin.Locator("#article-stages .state")).ToHaveTextAsync("reviewed");

        await admin.ClickAsync("text=Back to the draft");
        await admin.ClickAsync("text=Preview a conversation");
        var preview = admin.Locator("#preview");
        foreach (var choice in new[] { "العربية", S("consent.yes"), S("menu.learn"), article.Title })
        {
            await preview.Locator("button", new() { HasTextString = choice }).Last.ClickAsync(new() { Timeout = Wait });
        }

        await Assertions.Expect(preview).ToContainTextAsync(newLine, new() { Timeout = Wait });
        Assert.Equal(original.Version, bot.Factory.Services.GetRequiredService<IKnowledgeSource>().Current.Version);

        await admin.ClickAsync("text=Back to the draft");
        await admin.ClickAsync("#publish");
        await Assertions.Expect(admin.Locator(".notice")).ToContainTextAsync("Published as version", new() { Timeout = Wait });

        // A new conversation sees the change; the one started before keeps the version it started with.
        var after = await OpenChatAsync(browser, bot, S, article.Title);
        await Assertions.Expect(Bubbles(after, newLine)).ToHaveCountAsync(1, new() { Timeout = Wait });
        await before.Locator("button.webchat__suggested-action", new() { HasTextString = article.Title }).Last.ClickAsync(new() { Timeout = Wait });
        await Assertions.Expect(Bubbles(before, oldLine)).ToHaveCountAsync(2, new() { Timeout = Wait });
        await Assertions.Expect(Bubbles(before, newLine)).ToHaveCountAsync(0);

        // Rollback: the first version is current again for new conversations.
        await admin.GotoAsync(bot.BaseUrl + "/admin");
        await admin.ClickAsync("text=Make current");
        await Assertions.Expect(admin.Locator("#current-version")).ToHaveTextAsync(original.Version, new() { Timeout = Wait });
        var rolledBack = await OpenChatAsync(browser, bot, S, article.Title);
        await Assertions.Expect(Bubbles(rolledBack, oldLine)).ToHaveCountAsync(1, new() { Timeout = Wait });
        await Assertions.Expect(Bubbles(rolledBack, newLine)).ToHaveCountAsync(0);

        await admin.GotoAsync(bot.BaseUrl + "/audit");
        await Assertions.Expect(admin.Locator("table")).ToContainTextAsync("version.rollback");
        await admin.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "avrr-admin-audit.png"), FullPage = true });
    }

    /// <summary>Message bubbles that contain a text (Web Chat also keeps hidden copies for screen readers).</summary>
    private static ILocator Bubbles(IPage page, string text) => page.Locator(".webchat__bubble__content", new() { HasTextString = text });

    /// <summary>A new person in their own browser profile: Arabic, consent, "about voluntary return", the article.</summary>
    private static async Task<IPage> OpenChatAsync(IBrowser browser, LiveBot bot, Func<string, string> s, string articleTitle)
    {
        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } })).NewPageAsync();
        await page.GotoAsync(bot.BaseUrl + "/?lang=ar");
        foreach (var choice in new[] { "العربية", s("consent.yes"), s("menu.learn"), articleTitle })
        {
            await page.Locator("button.webchat__suggested-action", new() { HasTextString = choice }).Last.ClickAsync(new() { Timeout = Wait });
        }

        return page;
    }
}
