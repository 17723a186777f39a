namespace Avrr.Knowledge.Tests;

public sealed class ShippedContentTests
{
    [Fact]
    public void Shipped_content_validates_without_errors_or_warnings()
    {
        var (snapshot, diagnostics) = KnowledgeLoader.Load(KnowledgeLoader.ReadDirectory(ShippedContent.Path));

        Assert.Empty(diagnostics.Select(d => d.ToString()));
        Assert.NotNull(snapshot);
    }

    [Fact]
    public void Every_language_is_named_in_itself_and_arabic_and_farsi_are_right_to_left()
    {
        var languages = ShippedContent.Snapshot.Languages.ToDictionary(l => l.Code);

        Assert.Equal("Français", languages["fr"].NativeName);
        Assert.True(languages["ar"].RightToLeft);
        Assert.True(languages["fa"].RightToLeft);
        Assert.False(languages["en"].RightToLeft);
    }

    [Theory]
    [InlineData("fr-BE", "fr")]
    [InlineData("FR", "fr")]
    [InlineData("ar_EG", "ar")]
    [InlineData("fa-IR", "fa")]
    public void Locales_resolve_to_their_language(string locale, string expected) =>
        Assert.Equal(expected, ShippedContent.Snapshot.FindLanguage(locale)!.Code);

    [Fact]
    public void A_language_without_the_string_falls_back_to_the_default_and_says_so()
    {
        // Swahili is not offered: its speakers are answered in the deployment's default language, with a note.
        var text = ShippedContent.Snapshot.Text("menu.prompt", "sw");

        Assert.Equal("What would you like to do?", text.Text);
        Assert.True(text.IsFallback);
        Assert.False(ShippedContent.Snapshot.Text("menu.prompt", "ar").IsFallback);
    }

    [Fact]
    public void Placeholders_are_filled()
    {
        var text = ShippedContent.Snapshot.Text("data.item_answers", "en", new Dictionary<string, string> { ["answers"] = "Germany" });

        Assert.Equal("your answers: Germany", text.Text);
    }

    [Fact]
    public void The_learn_menu_offers_every_listed_article_in_order_in_the_language()
    {
        var articles = ShippedContent.Snapshot.LearnArticles("ar");

        Assert.Equal(["stages", "help", "voluntariness", "documents", "travel", "health", "minors", "after_return"], articles.Select(a => a.Id));
        Assert.All(articles.Where(a => a.Id != "after_return"), a => Assert.Equal("ar", a.Language));
        Assert.True(articles.Single(a => a.Id == "after_return").IsFallback, "an article not yet translated is offered in English, marked as such");
    }

    [Fact]
    public void The_service_has_office_hours_in_its_time_zone_outcomes_and_canned_responses_in_every_complete_language()
    {
        var service = ShippedContent.Snapshot.Service;

        // Tuesday 24 November 2026: 09:30 in Brussels is 08:30 UTC; Saturday is closed.
        Assert.True(service.IsOpen(new DateTimeOffset(2026, 11, 24, 8, 30, 0, TimeSpan.Zero)));
        Assert.False(service.IsOpen(new DateTimeOffset(2026, 11, 24, 7, 59, 0, TimeSpan.Zero)));
        Assert.False(service.IsOpen(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero)));
        Assert.Contains(service.Outcomes, o => o.Id == "handed_back");
        Assert.NotEmpty(service.CannedResponses);
        foreach (var language in ShippedContent.Snapshot.Languages)
        {
            foreach (var canned in service.CannedResponses)
            {
                Assert.False(ShippedContent.Snapshot.Text("canned." + canned, language.Code).IsFallback, $"canned.{canned} in {language.Code}");
            }
        }
    }
}
