namespace Avrr.Knowledge.Tests;

/// <summary>Dari is its own language, read by people who also read Farsi: a missing Dari text is shown in Farsi, not English.</summary>
public sealed class LanguageFallbackTests
{
    private static Dictionary<string, string> Shipped() => ShippedContent.Files();

    [Fact]
    public void A_text_missing_in_dari_is_shown_in_farsi_before_english()
    {
        var files = Shipped();
        files["content.yaml"] = files["content.yaml"].Replace("{ code: prs, name: دری, rtl: true, complete: true,", "{ code: prs, name: دری, rtl: true, complete: false,", StringComparison.Ordinal);
        files["strings/prs.yaml"] = string.Join('\n', files["strings/prs.yaml"].Split('\n').Where(l => !l.StartsWith("  menu.prompt:", StringComparison.Ordinal)));
        files.Remove("articles/prs/stages.md");

        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);

        Assert.True(snapshot is not null, string.Join("\n", diagnostics));
        var text = snapshot.Text("menu.prompt", "prs");
        Assert.Equal(("fa", true), (text.Language, text.IsFallback));
        Assert.Equal(snapshot.Text("menu.prompt", "fa").Text, text.Text);
        var article = snapshot.FindArticle("stages", "prs")!;
        Assert.Equal(("fa", true), (article.Language, article.IsFallback));
    }

    [Fact]
    public void A_phone_set_to_afghan_persian_or_iraqi_kurdish_is_taken_for_dari_or_sorani()
    {
        var k = ShippedContent.Snapshot;

        Assert.Equal("prs", k.FindLanguage("fa-AF")!.Code);
        Assert.Equal("fa", k.FindLanguage("fa-IR")!.Code);
        Assert.Equal("ckb", k.FindLanguage("ckb-IQ")!.Code);
        Assert.Equal("ckb", k.FindLanguage("ku_IQ")!.Code);
    }

    [Fact]
    public void A_fallback_must_be_another_declared_language()
    {
        var files = Shipped();
        files["content.yaml"] = files["content.yaml"].Replace("fallback: fa,", "fallback: xx,", StringComparison.Ordinal);

        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);

        Assert.Null(snapshot);
        Assert.Contains(diagnostics, d => d.Message.Contains("language 'prs' falls back to 'xx', which is not another declared language", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("uk")]
    [InlineData("ka")]
    [InlineData("ro")]
    [InlineData("sq")]
    [InlineData("ckb")]
    [InlineData("prs")]
    [InlineData("am")]
    public void Each_added_language_is_complete_and_marked_machine_assisted_until_reviewed(string language)
    {
        var files = Shipped();
        var review = KnowledgeLoader.Review(files).For(language);

        Assert.NotEmpty(review);
        Assert.DoesNotContain(review, e => e.Kind == ReviewEntryKind.UiString && e.State == TranslationState.Missing);
        Assert.All(review.Where(e => e.State != TranslationState.Missing), e => Assert.Equal(TranslationState.NeedsReview, e.State));
        Assert.Equal(ShippedContent.Snapshot.FindLanguage(language)!.RightToLeft, language is "ckb" or "prs");
    }
}
