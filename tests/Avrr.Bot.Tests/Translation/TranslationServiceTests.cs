using Avrr.Bot.Tests.Infrastructure;
using Avrr.Bot.Translation;
using Avrr.Channels.Fakes.Translation;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Translation;

/// <summary>
/// Both translation APIs against the fake on 127.0.0.1, as the real host configures them: limits, retries that honour
/// Retry-After, timeouts, the circuit breaker, unsupported languages, and degradation that never throws.
/// </summary>
public sealed class TranslationServiceTests : IAsyncLifetime
{
    private const string Key = "translator-key-0123";
    private TranslatorFake _fake = null!;

    public async Task InitializeAsync() => _fake = await TranslatorFake.StartAsync(Key, region: "westeurope", libreCharLimit: 100);

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private BotFactory Azure(string timeout = "00:00:10") => new BotFactory()
        .With("Translation:Provider", "Azure")
        .With("Translation:Azure:Endpoint", _fake.AzureEndpoint)
        .With("Translation:Azure:Key", Key)
        .With("Translation:Azure:Region", "westeurope")
        .With("Translation:Timeout", timeout);

    private BotFactory Libre(string? apiKey = Key) => new BotFactory()
        .With("Translation:Provider", "LibreTranslate")
        .With("Translation:LibreTranslate:Endpoint", _fake.LibreTranslateEndpoint)
        .With("Translation:LibreTranslate:ApiKey", apiKey);

    private static Translator TranslatorOf(BotFactory bot) => bot.Services.GetRequiredService<Translator>();

    private List<TranslatorRequest> Translations() => [.. _fake.Requests.Where(r => r.Path.EndsWith("/translate", StringComparison.Ordinal))];

    [Fact]
    public async Task Azure_translates_in_html_mode_with_the_key_the_region_and_both_languages()
    {
        using var bot = Azure();
        _fake.Teach("fa", "en", "من می‌خواهم به خانه برگردم", "I want to go home");

        var result = await TranslatorOf(bot).TranslateAsync("من می‌خواهم به خانه برگردم", "fa", "en", TextKind.PersonMessage, default);

        Assert.Equal(new TranslationResult("I want to go home", TranslationStatus.Translated), result);
        var request = Assert.Single(Translations());
        Assert.Contains("api-version=3.0", request.Query, StringComparison.Ordinal);
        Assert.Contains("from=fa", request.Query, StringComparison.Ordinal);
        Assert.Contains("to=en", request.Query, StringComparison.Ordinal);
        Assert.Contains("textType=html", request.Query, StringComparison.Ordinal);
        Assert.Equal(200, request.Status);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_wait_the_service_asked_for()
    {
        using var bot = Azure();
        _fake.FailNext(429, retryAfter: 2);

        var result = await TranslatorOf(bot).TranslateAsync("hello", "en", "fr", TextKind.Content, default);

        Assert.Equal("[fr] hello", result.Text);
        var attempts = Translations();
        Assert.Equal([429, 200], attempts.Select(a => a.Status));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(attempts[1].At - attempts[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_429_without_Retry_After_and_5xx_are_retried_with_back_off()
    {
        using var bot = Libre();
        _fake.FailNext(429);
        _fake.FailNext(503);

        var result = await TranslatorOf(bot).TranslateAsync("hello", "en", "ar", TextKind.Content, default);

        Assert.True(result.Translated);
        Assert.Equal([429, 503, 200], Translations().Select(a => a.Status));
    }

    [Fact]
    public async Task A_stalled_request_times_out_and_is_tried_again()
    {
        using var bot = Azure(timeout: "00:00:01");
        _fake.StallNext(TimeSpan.FromSeconds(5));

        var result = await TranslatorOf(bot).TranslateAsync("hello", "en", "de", TextKind.Content, default);

        Assert.True(result.Translated);
        Assert.Equal(2, Translations().Count);
    }

    [Fact]
    public async Task Batches_are_split_to_each_APIs_limits()
    {
        using var azure = Azure();
        var engine = azure.Services.GetRequiredService<AzureTranslatorEngine>();
        var many = Enumerable.Range(0, 1200).Select(i => $"line {i}").ToList();
        var translated = await engine.TranslateAsync(many, "en", "fr", default);
        Assert.Equal(many.Select(t => "[fr] " + t), translated);
        var long3 = Enumerable.Range(0, 3).Select(i => new string((char)('a' + i), 20_000)).ToList();
        Assert.Equal(3, (await engine.TranslateAsync(long3, "en", "fr", default)).Count);
        Assert.Equal([1000, 200, 2, 1], Translations().Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.Body)!.AsArray().Count));
        Assert.All(Translations(), r => Assert.Equal(200, r.Status));

        using var libre = Libre();
        var before = Translations().Count;
        var fives = Enumerable.Range(0, 5).Select(i => new string((char)('k' + i), 40)).ToList();
        Assert.Equal(fives.Select(t => "[nl] " + t), await libre.Services.GetRequiredService<LibreTranslateEngine>().TranslateAsync(fives, "en", "nl", default));
        var sizes = Translations().Skip(before).Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.Body)!["q"]!.AsArray().Sum(q => q!.GetValue<string>().Length)).ToList();
        Assert.Equal([80, 80, 40], sizes);
    }

    [Fact]
    public async Task An_unsupported_language_is_not_sent_and_the_text_stays_as_written()
    {
        using var bot = Azure();
        _fake.Unsupported("ti");

        var result = await TranslatorOf(bot).TranslateAsync("ሰላም", "ti", "en", TextKind.PersonMessage, default);

        Assert.Equal(TranslationStatus.NotTranslated, result.Status);
        Assert.Equal("ሰላም", result.Text);
        Assert.Contains("does not translate ti", result.Note, StringComparison.Ordinal);
        Assert.Empty(Translations());
    }

    [Fact]
    public async Task A_service_that_keeps_failing_opens_the_circuit_and_nothing_throws()
    {
        using var bot = Libre();
        _fake.FailNext(500, times: 100);
        var translator = TranslatorOf(bot);

        for (var i = 0; i < 4; i++)
        {
            var result = await translator.TranslateAsync("hello " + i, "en", "fr", TextKind.Content, default);
            Assert.Equal(TranslationStatus.NotTranslated, result.Status);
            Assert.Equal("hello " + i, result.Text);
        }

        Assert.True(translator.Health.Degraded);
        Assert.Contains("LibreTranslate", translator.Health.LastError, StringComparison.Ordinal);
        // Open circuit: the last calls never reached the service.
        Assert.True(Translations().Count < 16, $"{Translations().Count} requests");
    }

    [Fact]
    public async Task A_wrong_key_or_no_provider_degrades_to_the_original()
    {
        using (var wrong = Libre(apiKey: "wrong"))
        {
            var refused = await TranslatorOf(wrong).TranslateAsync("hello", "en", "fr", TextKind.Content, default);
            Assert.Equal(TranslationStatus.NotTranslated, refused.Status);
            Assert.Equal(403, Translations().Last().Status);
        }

        using var none = new BotFactory();
        var before = _fake.Requests.Count;
        var result = await TranslatorOf(none).TranslateAsync("hello", "en", "fr", TextKind.Content, default);
        Assert.Equal(new TranslationResult("hello", TranslationStatus.NotTranslated, "no translation service is configured"), result);
        Assert.Equal(before, _fake.Requests.Count);
    }

    [Fact]
    public async Task Personal_details_never_reach_the_service_and_come_back_in_place()
    {
        using var bot = Azure();
        const string planted = "My name is Ahmad Karimi, born 12/03/1990. Call me on +32 470 12 34 56 or 0470 98 76 54, write to ahmad.karimi@example.org. Passport EJ4567891, residence card B 123456789.";

        var result = await TranslatorOf(bot).TranslateAsync(planted, "en", "fr", TextKind.PersonMessage, default);

        Assert.True(result.Translated, result.Note);
        foreach (var detail in new[] { "Ahmad", "Karimi", "12/03/1990", "470 12 34 56", "0470 98 76 54", "ahmad.karimi@example.org", "EJ4567891", "123456789" })
        {
            Assert.DoesNotContain(_fake.Requests, r => r.Body.Contains(detail, StringComparison.Ordinal) || r.Query.Contains(detail, StringComparison.Ordinal));
            Assert.Contains(detail, result.Text, StringComparison.Ordinal);
        }

        Assert.StartsWith("[fr] My name is Ahmad Karimi", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_translation_that_loses_a_placeholder_is_not_used()
    {
        var protectedText = PersonalDetails.Protect("Call me on +32 470 12 34 56 please");
        Assert.DoesNotContain("470", protectedText.Html, StringComparison.Ordinal);

        Assert.Null(PersonalDetails.Restore(protectedText, "Appelez-moi s'il vous plaît"));
        Assert.Equal("Appelez-moi au +32 470 12 34 56 & merci", PersonalDetails.Restore(protectedText, protectedText.Html.Replace("Call me on", "Appelez-moi au", StringComparison.Ordinal).Replace("please", "&amp; merci", StringComparison.Ordinal)));
    }
}
