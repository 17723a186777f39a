using Avrr.Knowledge.Retrieval;

namespace Avrr.Knowledge.Tests.Retrieval;

public sealed class RetrievalTests
{
    private static IKnowledgeSnapshot K => ShippedContent.Snapshot;

    [Theory]
    [InlineData("en", "what are the steps from now until after I arrive?", "stages")]
    [InlineData("ru", "кто платит за билет на самолёт?", "travel")]
    [InlineData("tr", "uçak biletini kim ödüyor?", "travel")]
    [InlineData("tr", "ucak biletini kim oduyor", "travel")]
    [InlineData("fr", "qui paye le billet d'avion ?", "travel")]
    [InlineData("es", "perdi el pasaporte", "documents")]
    [InlineData("en", "What are the stages of return?", "stages")]
    [InlineData("fr", "Quelles sont les étapes du retour ?", "stages")]
    [InlineData("en", "can I change my mind", "voluntariness")]
    public void Questions_find_their_article_in_their_language(string language, string question, string expected)
    {
        var answer = K.AnswerQuestion(language, question);

        Assert.Equal(AnswerKind.Confident, answer.Kind);
        Assert.Equal(expected, answer.Matches[0].Article.Id);
        Assert.Equal(language, answer.Matches[0].Article.Language);
    }

    [Fact]
    public void A_question_without_an_answer_offers_no_article()
    {
        var answer = K.AnswerQuestion("en", "where can I buy a cheap phone charger");

        Assert.Equal(AnswerKind.NoMatch, answer.Kind);
        Assert.Empty(answer.Matches);
    }

    [Theory]
    [InlineData("fa", "پاسپورت", "پاسپورت")]
    [InlineData("ru", "паспорта", "паспорт")]
    [InlineData("tr", "pasaportumu", "pasaport")]
    [InlineData("ka", "პასპორტი", "პასპორტს")]
    public void Inflected_forms_analyse_alike(string language, string a, string b) =>
        Assert.Equal(
            LanguageAnalysers.Terms(LanguageAnalysers.WordsFor(language), "title", a),
            LanguageAnalysers.Terms(LanguageAnalysers.WordsFor(language), "title", b));

    [Fact]
    public void Languages_with_a_lucene_analyser_use_it_and_the_others_fold_and_cut_words()
    {
        foreach (var language in new[] { "en", "fr", "ar", "fa", "prs", "es", "ru", "nl", "de", "tr", "pt", "ro", "ckb" })
        {
            Assert.True(LanguageAnalysers.HasStemmer(language), language);
        }

        foreach (var language in new[] { "ur", "ps", "so", "bn", "ti", "uk", "ka", "sq", "am" })
        {
            Assert.False(LanguageAnalysers.HasStemmer(language), language);
        }
    }

    [Fact]
    public void A_new_example_question_takes_effect_with_the_version_that_publishes_it()
    {
        const string Question = "can the programme pay for my cousin's wedding";
        var files = ShippedContent.Files();
        ShippedContent.Edit(files, "articles/en/help.md", "examples:\n", $"examples:\n  - \"Can the programme pay for my cousin's wedding?\"\n");

        var (edited, diagnostics) = KnowledgeLoader.Load(files);

        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("help", Assert.Single(edited!.AnswerQuestion("en", Question).Matches).Article.Id);
        // The published version keeps its own index: nothing it answers changes until the new one replaces it.
        Assert.Equal(AnswerKind.NoMatch, K.AnswerQuestion("en", Question).Kind);
    }

    [Fact]
    public void An_article_without_example_questions_in_a_complete_language_is_warned_about()
    {
        var files = ShippedContent.Files();
        var text = files["articles/de/travel.md"];
        var start = text.IndexOf("examples:\n", StringComparison.Ordinal);
        var end = text.IndexOf("keywords:", StringComparison.Ordinal);
        files["articles/de/travel.md"] = text[..start] + text[end..];

        var (_, diagnostics) = KnowledgeLoader.Load(files);

        var warning = Assert.Single(diagnostics, d => d.File == "articles/de/travel.md");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("no example questions", warning.Message, StringComparison.Ordinal);
    }
}
