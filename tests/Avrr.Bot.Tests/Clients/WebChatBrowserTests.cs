using Avrr.Bot.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Avrr.Bot.Tests.Clients;

/// <summary>The official Web Chat 4.18.1, as the page serves it, in headless Chromium against the real host.</summary>
public sealed class WebChatBrowserTests
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ClientRequirements.ChromiumPath, Args = ChromiumArgs, Headless = true });
        return (playwright, browser);
    }

    /// <summary>What each page did on the network and logged, printed when a page does not show what it should.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IPage, System.Collections.Concurrent.ConcurrentQueue<string>> Journal = new();

    private static string JournalOf(IPage page) => string.Join("\n", Journal.GetValueOrDefault(page) ?? new());

    private static async Task<IPage> OpenAsync(IBrowser browser, string url)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        var journal = Journal.GetOrAdd(page, _ => new());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        page.Request += (_, r) => journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms > {r.Method} {new Uri(r.Url).PathAndQuery.Split("&t=")[0]}");
        page.Response += (_, r) => journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms < {r.Status} {new Uri(r.Url).AbsolutePath}");
        page.Console += (_, m) => journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms console {m.Type}: {m.Text}");
        page.PageError += (_, error) => journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms page error: {error}");
        page.FrameNavigated += (_, frame) => journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms navigated: {frame.Url.Split('?')[0]}");
        page.WebSocket += (_, ws) =>
        {
            journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms ws open");
            ws.FrameReceived += (_, f) => journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms ws frame {(f.Text ?? "").Length} chars");
            ws.Close += (_, _) => journal.Enqueue($"{clock.ElapsedMilliseconds,6} ms ws closed");
        };
        // Nothing may leave 127.0.0.1, not even the neutral site "leave quickly" goes to.
        await page.RouteAsync("**/*", route => route.Request.Url.StartsWith("http://127.0.0.1", StringComparison.Ordinal)
            ? route.ContinueAsync()
            : route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<html><body>neutral</body></html>" }));
        await page.GotoAsync(url);
        return page;
    }

    /// <summary>A message bubble's text (Web Chat also repeats text in hidden labels for screen readers).</summary>
    private static ILocator Bubble(IPage page, string text) =>
        page.Locator("p.webchat__text-content", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(text) + "$") });

    private static async Task SendAsync(IPage page, string text)
    {
        var input = page.Locator("[data-id=\"webchat-sendbox-input\"]");
        await input.FillAsync(text);
        await input.PressAsync("Enter");
    }

    [RequiresChromiumFact]
    public async Task Message_is_sent_and_answered_over_websocket_and_polling_with_no_send_failure_after_the_send_timeout()
    {
        using var bot = LiveBot.Start(new EchoEngine());
        var (playwright, browser) = await LaunchAsync();
        try
        {
            var websocket = await OpenAsync(browser, bot.BaseUrl + "/");
            var polling = await OpenAsync(browser, bot.BaseUrl + "/?transport=polling");
            foreach (var page in new[] { websocket, polling })
            {
                try
                {
                    await Assertions.Expect(Bubble(page, "welcome")).ToBeVisibleAsync(new() { Timeout = 20000 });
                }
                catch (PlaywrightException ex)
                {
                    throw new InvalidOperationException("No greeting. The page's journal:\n" + JournalOf(page), ex);
                }

                await SendAsync(page, "hello web chat");
                await Assertions.Expect(Bubble(page, "echo 2: hello web chat")).ToBeVisibleAsync(new() { Timeout = 20000 });
            }

            // Web Chat marks a message "Send failed" when its echo does not arrive within 20 s (the Direct Line 3.0 API reference).
            await Task.Delay(TimeSpan.FromSeconds(21));
            foreach (var page in new[] { websocket, polling })
            {
                Assert.Equal(0, await page.GetByText("Send failed").CountAsync());
                Assert.Equal(1, await Bubble(page, "hello web chat").CountAsync());
            }
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [RequiresChromiumFact]
    public async Task Every_script_the_bot_writes_in_has_a_font_served_by_the_page_itself()
    {
        using var bot = LiveBot.Start(new EchoEngine());
        var (playwright, browser) = await LaunchAsync();
        try
        {
            var page = await OpenAsync(browser, bot.BaseUrl + "/");
            await Assertions.Expect(Bubble(page, "welcome")).ToBeVisibleAsync(new() { Timeout = 20000 });
            await SendAsync(page, "ሰላም");
            await Assertions.Expect(Bubble(page, "echo 2: ሰላም")).ToBeVisibleAsync(new() { Timeout = 20000 });

            // A phone without Ge'ez, Bengali, Georgian or Arabic letters gets them from the page (same origin, allowed
            // by the content security policy), so a message never shows as empty boxes.
            foreach (var (family, sample) in new[] { ("Noto Sans Ethiopic", "ሰላም"), ("Noto Sans Bengali", "নমস্কার"), ("Noto Sans Georgian", "გამარჯობა"), ("Noto Sans Arabic", "سلام") })
            {
                var loaded = await page.EvaluateAsync<int>(
                    "async ([family, sample]) => (await document.fonts.load('16px \"' + family + '\"', sample)).filter(f => f.status === 'loaded').length",
                    new[] { family, sample });
                Assert.True(loaded > 0, $"{family} did not load. The page's journal:\n" + JournalOf(page));
            }

            var bubbleFont = await Bubble(page, "echo 2: ሰላም").EvaluateAsync<string>("e => getComputedStyle(e).fontFamily");
            Assert.Contains("Noto Sans Ethiopic", bubbleFont, StringComparison.Ordinal);
            Assert.Contains(JournalOf(page).Split('\n'), l => l.Contains("< 200 /lib/noto-fonts-5.3.0/noto-sans-ethiopic-ethiopic-400-normal.woff2", StringComparison.Ordinal));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [RequiresChromiumFact]
    public async Task Suggested_action_is_clicked_and_an_arabic_conversation_turns_the_page_right_to_left()
    {
        using var bot = LiveBot.Start(new EchoEngine());
        var (playwright, browser) = await LaunchAsync();
        try
        {
            var page = await OpenAsync(browser, bot.BaseUrl + "/?lang=ar");
            await page.Locator("button.webchat__suggested-action", new() { HasTextString = "Hello" }).ClickAsync(new() { Timeout = 20000 });
            await Assertions.Expect(Bubble(page, "echo 2: Hello")).ToBeVisibleAsync(new() { Timeout = 20000 });

            Assert.Equal("rtl", await page.EvaluateAsync<string>("document.documentElement.dir"));
            Assert.Equal("rtl", await page.Locator("#webchat").GetAttributeAsync("dir"));
            Assert.Equal("rtl", await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('[data-id=\"webchat-sendbox-input\"]')).direction"));
            // No upload button: the bot accepts no files.
            Assert.Equal(0, await page.Locator("input[type=file]").CountAsync());
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [RequiresChromiumFact]
    public async Task Leave_quickly_clears_the_page_storage_and_replaces_the_page()
    {
        using var bot = LiveBot.Start(new EchoEngine());
        var (playwright, browser) = await LaunchAsync();
        try
        {
            var page = await OpenAsync(browser, bot.BaseUrl + "/");
            await Assertions.Expect(Bubble(page, "welcome")).ToBeVisibleAsync(new() { Timeout = 20000 });
            Assert.NotNull(await page.EvaluateAsync<string?>("sessionStorage.getItem('avrr.webchat')"));

            await page.Locator("#leave").ClickAsync();
            try
            {
                // The navigation committing is what "replaces the page" means. Waiting for the new document's load event
                // as well made this flaky: under load Chromium's lifecycle events for a document that replaced one with an
                // open WebSocket sometimes never reach Playwright, though the journal shows the page navigated.
                await page.WaitForURLAsync("https://www.wikipedia.org/**", new() { WaitUntil = WaitUntilState.Commit });
            }
            catch (TimeoutException ex)
            {
                throw new InvalidOperationException($"Leave did not navigate (now at {page.Url}). The page's journal:\n" + JournalOf(page), ex);
            }

            await Assertions.Expect(page.Locator("body")).ToContainTextAsync("neutral", new() { Timeout = 20000 });

            // Back must not return to the chat: the page replaced its own history entry.
            await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
            Assert.DoesNotContain("127.0.0.1", page.Url, StringComparison.Ordinal);

            // Nothing the chat stored is left in this tab for the bot's origin.
            await page.GotoAsync(bot.BaseUrl + "/healthz");
            Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('avrr.webchat')"));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
