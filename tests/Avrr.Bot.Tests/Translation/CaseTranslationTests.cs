using System.Net;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Cases;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Bot.Translation;
using Avrr.Channels.Fakes.Translation;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Translation;

/// <summary>
/// A person writing Farsi and a counsellor writing English, through the real host and the translation fake: the
/// person's messages reach the console translated with the original beside them, the counsellor's replies reach the
/// person in Farsi with the counsellor's words kept, nothing identifying leaves, and with the service down the
/// conversation goes on, marked "not translated".
/// </summary>
public sealed class CaseTranslationTests : IAsyncLifetime
{
    private const string Key = "translator-key-0123";
    private const string Phone = "+32 470 55 66 77";
    private TranslatorFake _fake = null!;
    private BotFactory _bot = null!;

    public async Task InitializeAsync()
    {
        _fake = await TranslatorFake.StartAsync(Key);
        _bot = new BotFactory()
            .With("Translation:Provider", "Azure")
            .With("Translation:Azure:Endpoint", _fake.AzureEndpoint)
            .With("Translation:Azure:Key", Key);
    }

    public async Task DisposeAsync()
    {
        _bot.Dispose();
        await _fake.DisposeAsync();
    }

    private string Fa(string key) => _bot.Services.GetRequiredService<IKnowledgeSource>().Current.Said(key, "fa");

    private async Task<(WebChatPerson Person, string Reference)> FarsiPersonAsksForACounsellorAsync()
    {
        var person = await WebChatPerson.StartAsync(_bot.CreateClient());
        await person.SaysAsync("سلام");
        await person.SaysAsync("فارسی");
        await person.SaysAsync(Fa("consent.yes"));
        await person.SaysAsync(Fa("menu.counsellor"));
        return (person, await Counsellors.OpenCaseAsync(_bot.Services, person.ConversationId));
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> EntryAsync(ConsoleClient console, string reference, Func<System.Text.Json.Nodes.JsonNode, bool> which, Func<System.Text.Json.Nodes.JsonNode, bool> ready)
    {
        for (var i = 0; i < 200; i++)
        {
            var view = await console.GetJsonAsync($"/cases/{reference}");
            if (view["transcript"]!.AsArray().FirstOrDefault(e => which(e!)) is { } entry && ready(entry))
            {
                return entry;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The transcript entry never got its translation.");
    }

    [Fact]
    public async Task Each_side_reads_the_other_in_their_own_language_and_nothing_identifying_leaves()
    {
        var (person, reference) = await FarsiPersonAsksForACounsellorAsync();
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/claim")).StatusCode);
        await person.ReadAsync();
        _fake.Teach("fa", "en", "پاسپورت من گم شده است", "I have lost my passport");

        Assert.Equal("", await person.SaysAsync("پاسپورت من گم شده است"));
        await person.SaysAsync($"شماره من {Phone} است");

        var lost = await EntryAsync(amira, reference, e => e["text"]!.GetValue<string>() == "پاسپورت من گم شده است", e => e["translation"] is not null);
        Assert.Equal("translated", lost["translation"]!["status"]!.GetValue<string>());
        Assert.Equal("I have lost my passport", lost["translation"]!["text"]!.GetValue<string>());
        var phone = await EntryAsync(amira, reference, e => e["text"]!.GetValue<string>().Contains("470", StringComparison.Ordinal), e => e["translation"] is not null);
        Assert.Contains(Phone, phone["translation"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(_fake.Requests, r => r.Body.Contains("470", StringComparison.Ordinal));
        // The service detects the language of what people write (not always the one they chose); replies name both.
        Assert.All(_fake.Requests.Where(r => r.Path.EndsWith("/translate", StringComparison.Ordinal)), r => Assert.DoesNotContain("from=", r.Query, StringComparison.Ordinal));
        var view = await amira.GetJsonAsync($"/cases/{reference}");
        Assert.True(view["translation"]!["available"]!.GetValue<bool>());
        Assert.Equal("fa", view["translation"]!["personLanguage"]!.GetValue<string>());

        // The counsellor's reply reaches the person in Farsi; their own words stay in the console.
        _fake.Teach("en", "fa", "We can help you get a travel document.", "ما می‌توانیم به شما کمک کنیم سند سفر بگیرید.");
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/messages", new { text = "We can help you get a travel document.", translate = true })).StatusCode);
        Assert.Contains("ما می‌توانیم به شما کمک کنیم سند سفر بگیرید.", await person.ReadAsync(), StringComparison.Ordinal);
        var reply = await EntryAsync(amira, reference, e => e["from"]!.GetValue<string>() == "counsellor" && e["translation"] is not null, _ => true);
        Assert.Equal("original", reply["translation"]!["status"]!.GetValue<string>());
        Assert.Equal("We can help you get a travel document.", reply["translation"]!["text"]!.GetValue<string>());

        // Turned off for one message: it goes as written.
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/messages", new { text = "OK", translate = false })).StatusCode);
        Assert.Equal("OK", (await person.ReadAsync()).Trim());
    }

    [Fact]
    public async Task With_the_service_down_the_conversation_goes_on_marked_not_translated()
    {
        var (person, reference) = await FarsiPersonAsksForACounsellorAsync();
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");
        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/claim")).StatusCode);
        _fake.FailNext(503, times: 1000);

        await person.SaysAsync("کمک لازم دارم");
        var entry = await EntryAsync(amira, reference, e => e["text"]!.GetValue<string>() == "کمک لازم دارم", e => e["translation"] is not null);
        Assert.Equal("not_translated", entry["translation"]!["status"]!.GetValue<string>());
        Assert.Contains("unavailable", entry["translation"]!["note"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await amira.PostAsync($"/cases/{reference}/messages", new { text = "I am here.", translate = true })).StatusCode);
        Assert.Contains("I am here.", await person.ReadAsync(), StringComparison.Ordinal);
        var reply = await EntryAsync(amira, reference, e => e["from"]!.GetValue<string>() == "counsellor" && e["translation"] is not null, _ => true);
        Assert.Equal("not_translated", reply["translation"]!["status"]!.GetValue<string>());
        Assert.True(_bot.Services.GetRequiredService<Translator>().Health.Degraded);
    }

    [Fact]
    public async Task Erasing_the_person_erases_the_translations_of_their_messages()
    {
        var (person, reference) = await FarsiPersonAsksForACounsellorAsync();
        await Counsellors.AddAsync(_bot.Services, "amira@example.org");
        using var amira = await ConsoleClient.SignInAsync(_bot, "amira@example.org");
        await person.SaysAsync("پاسپورت من گم شده است");
        await EntryAsync(amira, reference, e => e["text"]!.GetValue<string>() == "پاسپورت من گم شده است", e => e["translation"] is not null);

        await using (var before = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync())
        {
            Assert.NotEmpty(await before.Set<MessageTranslationRecord>().ToListAsync());
        }

        Assert.Contains(Fa("data.delete_confirm"), await person.SaysAsync("پاک کن"), StringComparison.Ordinal);
        await person.SaysAsync(Fa("common.yes"));

        await using var db = await _bot.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Set<MessageTranslationRecord>().ToListAsync());
    }

    [Fact]
    public async Task A_question_in_a_language_without_a_matching_article_is_matched_through_translation_and_answered_from_curated_content()
    {
        var person = await WebChatPerson.StartAsync(_bot.CreateClient());
        await person.SaysAsync("سلام");
        await person.SaysAsync("فارسی");
        await person.SaysAsync(Fa("consent.yes"));
        Assert.Contains(Fa("learn.prompt"), await person.SaysAsync("1"), StringComparison.Ordinal);
        // Everyday words the Farsi content does not use ("what if I regret it later?").
        const string question = "اگه بعدش پشیمون شدم چی میشه؟";
        _fake.Teach("fa", "en", question, "can I change my mind later?");

        var answer = await person.SaysAsync(question);

        var article = _bot.Services.GetRequiredService<IKnowledgeSource>().Current.FindArticle("voluntariness", "fa")!;
        Assert.Contains(article.Title, answer, StringComparison.Ordinal);
        Assert.DoesNotContain("can I change my mind", answer, StringComparison.Ordinal);
        Assert.Single(_fake.Requests, r => r.Path.EndsWith("/translate", StringComparison.Ordinal));

        // With the service down the person is told nothing was found, and offered a counsellor, as before.
        _fake.FailNext(503, times: 100);
        Assert.Contains(Fa("info.not_found"), await person.SaysAsync("سوال دیگری درباره چیزی نامعلوم زبرا"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_article_without_a_curated_translation_is_shown_machine_translated_where_allowed_with_the_notice()
    {
        var content = Path.Combine(Path.GetTempPath(), "avrr-mt-" + Guid.NewGuid().ToString("N"));
        var shipped = Path.Combine(AppContext.BaseDirectory, "knowledge", "content");
        foreach (var file in Directory.EnumerateFiles(shipped, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(content, Path.GetRelativePath(shipped, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.Delete(Path.Combine(content, "articles", "fa", "voluntariness.md"));
        var manifest = Path.Combine(content, "content.yaml");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("{ code: fa, name: فارسی, rtl: true, complete: true }", "{ code: fa, name: فارسی, rtl: true, complete: false }", StringComparison.Ordinal));
        var english = Path.Combine(content, "articles", "en", "voluntariness.md");
        await File.WriteAllTextAsync(english, (await File.ReadAllTextAsync(english)).Replace("---\nid: voluntariness\n", "---\nid: voluntariness\nmachine_translation: allowed\n", StringComparison.Ordinal));
        try
        {
            using var bot = new BotFactory()
                .With("Knowledge:ContentPath", content)
                .With("Translation:Provider", "Azure")
                .With("Translation:Azure:Endpoint", _fake.AzureEndpoint)
                .With("Translation:Azure:Key", Key);
            var k = bot.Services.GetRequiredService<IKnowledgeSource>().Current;
            var person = await WebChatPerson.StartAsync(bot.CreateClient());
            await person.SaysAsync("سلام");
            await person.SaysAsync("فارسی");
            await person.SaysAsync(k.Said("consent.yes", "fa"));
            await person.SaysAsync("1");

            var shown = await person.SaysAsync("3");

            Assert.Contains("[fa] Your choice, your rights and confidentiality", shown, StringComparison.Ordinal);
            Assert.Contains(k.Said("info.machine_translated", "fa"), shown, StringComparison.Ordinal);
            // Public content: translated once, then from the translation memory.
            var requests = _fake.Requests.Count(r => r.Path.EndsWith("/translate", StringComparison.Ordinal));
            Assert.Contains(k.Said("info.machine_translated", "fa"), await person.SaysAsync("3"), StringComparison.Ordinal);
            Assert.Equal(requests, _fake.Requests.Count(r => r.Path.EndsWith("/translate", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(content, recursive: true);
        }
    }
}
