using Avrr.Bot.Tests.Infrastructure;
using Avrr.Dialogs.Intake;
using Avrr.Knowledge;
using Microsoft.Playwright;

namespace Avrr.Bot.Tests.Clients;

/// <summary>A person in the browser, in Arabic: the real intake engine behind the official Web Chat.</summary>
public sealed class WebChatIntakeTests
{
    [RequiresChromiumFact]
    public async Task An_arabic_speaker_chooses_the_language_agrees_and_asks_for_a_counsellor_in_the_web_chat()
    {
        var content = new FileKnowledgeSource(Path.Combine(AppContext.BaseDirectory, "knowledge", "content"));
        using var bot = LiveBot.Start(new IntakeEngine(content));
        string S(string key) => content.Current.Said(key, "ar");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ClientRequirements.ChromiumPath,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await page.GotoAsync(bot.BaseUrl + "/?lang=ar");

        var button = (string title) => page.Locator("button.webchat__suggested-action", new() { HasTextString = title });
        await button("العربية").ClickAsync(new() { Timeout = 20000 });
        await Assertions.Expect(page.Locator("p.webchat__text-content", new() { HasTextString = S("consent.short")[..30] })).ToBeVisibleAsync(new() { Timeout = 20000 });
        await button(S("consent.yes")).ClickAsync(new() { Timeout = 20000 });
        await button(S("menu.counsellor")).ClickAsync(new() { Timeout = 20000 });
        await Assertions.Expect(page.Locator("p.webchat__text-content", new() { HasTextString = S("case.until_then")[..30] })).ToBeVisibleAsync(new() { Timeout = 20000 });

        Assert.Equal("rtl", await page.EvaluateAsync<string>("document.documentElement.dir"));
        Assert.Equal(S("webchat.quick_exit"), (await page.Locator("#leave").TextContentAsync())?.Trim());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "avrr-webchat-arabic.png") });
    }
}
