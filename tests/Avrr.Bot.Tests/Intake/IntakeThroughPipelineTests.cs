using System.Text.Json;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Intake;

/// <summary>The production intake engine on the shipped content, through Direct Line, the pipeline and the store.</summary>
public sealed class IntakeThroughPipelineTests : IDisposable
{
    private readonly BotFactory _factory = new();
    private readonly HttpClient _http;

    public IntakeThroughPipelineTests() => _http = _factory.CreateClient();

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }

    private string S(string key, string language) => _factory.Services.GetRequiredService<IKnowledgeSource>().Current.Said(key, language);

    [Fact]
    public async Task An_arabic_conversation_reaches_a_counsellor_and_the_request_is_stored_with_its_case_summary()
    {
        var client = await DirectLineClient.StartAsync(_http);
        var watermark = "";
        async Task<string> Say(string text)
        {
            (await client.PostActivityAsync(text, locale: "ar-EG")).EnsureSuccessStatusCode();
            var (activities, next) = await client.GetActivitiesAsync(watermark);
            watermark = next!;
            return string.Join("\n", activities.Where(a => DirectLineClient.Role(a) == "bot").Select(DirectLineClient.Text));
        }

        Assert.Contains(S("lang.prompt", "ar"), await Say("مرحبا"), StringComparison.Ordinal);
        Assert.Contains(S("consent.short", "ar"), await Say("العربية"), StringComparison.Ordinal);
        Assert.Contains(S("menu.prompt", "ar"), await Say("نعم"), StringComparison.Ordinal);
        var queued = await Say("مستشار");

        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync();
        var opened = await db.Cases.SingleAsync();
        Assert.Matches("^AV-[0-9A-HJKMNP-TV-Z]{4}$", opened.Reference);
        Assert.Contains(S("case.queued", "ar").Replace("{reference}", opened.Reference, StringComparison.Ordinal), queued, StringComparison.Ordinal);
        Assert.Equal("ar", opened.Language);
        Assert.Equal("directline", opened.Channel);

        var (all, _) = await client.GetActivitiesAsync();
        var lastBot = all.Last(a => DirectLineClient.Role(a) == "bot");
        Assert.Equal("ar", lastBot["locale"]!.GetValue<string>());
        Assert.Equal("rtl", lastBot["channelData"]!["avrr"]!["dir"]!.GetValue<string>());

        var conversation = await db.Conversations.SingleAsync(c => c.Id == opened.ConversationId);
        using var key = _factory.Services.GetRequiredService<Avrr.Bot.Privacy.KeyRing>().OpenPersonKey(conversation.Id, conversation.DataKey!);
        using var summary = JsonDocument.Parse(key.Open(Avrr.Bot.Privacy.SealedField.HandoffSummary, 0, opened.Summary));
        Assert.Equal("ar", summary.RootElement.GetProperty("case").GetProperty("language").GetString());
        Assert.Equal(ConversationOwner.Queued, (await db.Conversations.SingleAsync()).Owner);
    }

    [Theory]
    [InlineData("en", "I don't have a passport anymore, can I still go home?", "documents")]
    [InlineData("fr", "qui paie le billet d'avion ?", "travel")]
    [InlineData("ar", "ضاع جوازي، كيف أرجع إلى بلدي؟", "documents")]
    [InlineData("fa", "کی پول بلیت هواپیما رو میده؟", "travel")]
    [InlineData("es", "¿me pueden obligar a volver?", "voluntariness")]
    [InlineData("ru", "кто платит за билет на самолёт?", "travel")]
    [InlineData("tr", "uçak biletini kim ödüyor?", "travel")]
    public async Task A_typed_question_reaches_its_article_through_direct_line(string language, string question, string expected)
    {
        var knowledge = _factory.Services.GetRequiredService<IKnowledgeSource>().Current;
        var client = await DirectLineClient.StartAsync(_http);
        var watermark = "";
        async Task<string> Say(string text)
        {
            (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
            var (activities, next) = await client.GetActivitiesAsync(watermark);
            watermark = next!;
            return string.Join("\n", activities.Where(a => DirectLineClient.Role(a) == "bot").Select(DirectLineClient.Text));
        }

        await Say("hello");
        Assert.Contains(S("consent.short", language), await Say(knowledge.FindLanguage(language)!.NativeName), StringComparison.Ordinal);
        Assert.Contains(S("menu.prompt", language), await Say(S("consent.yes", language)), StringComparison.Ordinal);

        var answer = await Say(question);

        var article = knowledge.FindArticle(expected, language)!;
        Assert.Equal(language, article.Language);
        Assert.Contains(article.Title, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_then_writing_again_resumes_across_a_restart_of_the_host()
    {
        var client = await DirectLineClient.StartAsync(_http);
        foreach (var text in new[] { "hello", "English", "yes", "stop" })
        {
            (await client.PostActivityAsync(text)).EnsureSuccessStatusCode();
        }

        await using (var db = await _factory.Services.GetRequiredService<IDbContextFactory<AvrrDbContext>>().CreateDbContextAsync())
        {
            Assert.True((await db.Conversations.SingleAsync()).OptedOut);
        }

        using var restarted = new BotFactory(_factory.DataDirectory);
        using var http = restarted.CreateClient();
        var again = DirectLineClient.Resume(http, client.Token!, client.ConversationId!);
        (await again.PostActivityAsync("hi again")).EnsureSuccessStatusCode();
        var (activities, _) = await again.GetActivitiesAsync();

        Assert.Contains(S("stop.welcome_back", "en"), DirectLineClient.Text(activities[^1]), StringComparison.Ordinal);
    }
}
