namespace Avrr.Knowledge.Tests;

/// <summary>The edits the admin tools make keep files valid, linked to their source and readable in git.</summary>
public sealed class ContentEditingTests
{
    private static Dictionary<string, string> Shipped() => ShippedContent.Files();

    [Fact]
    public void Setting_a_translation_links_it_to_the_current_source_and_keeps_the_file_valid()
    {
        var files = Shipped();
        var hash = KnowledgeLoader.SourceHash(ShippedContent.Snapshot.Text("menu.prompt", "en").Text);

        files["strings/ar.yaml"] = ContentFiles.SetString(files["strings/ar.yaml"], "ar", "menu.prompt", "بماذا يمكنني مساعدتك الآن؟ \"نعم\"", hash, reviewed: true);

        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        Assert.NotNull(snapshot);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("بماذا يمكنني مساعدتك الآن؟ \"نعم\"", snapshot.Text("menu.prompt", "ar").Text);
        Assert.StartsWith("# Arabic", files["strings/ar.yaml"], StringComparison.Ordinal);
        var review = KnowledgeLoader.Review(files).For("ar").Single(e => e.Kind == ReviewEntryKind.UiString && e.Key == "menu.prompt");
        Assert.Equal(TranslationState.Reviewed, review.State);
        Assert.Equal(Shipped()["strings/ar.yaml"].Split('\n').Length, files["strings/ar.yaml"].Split('\n').Length);
    }

    [Fact]
    public void Review_reports_missing_stale_and_machine_translations()
    {
        var files = Shipped();
        files["strings/en.yaml"] = files["strings/en.yaml"].Replace("\"What would you like to do?\"", "\"What do you want to do?\"", StringComparison.Ordinal);
        files.Remove("articles/fa/help.md");

        var fa = KnowledgeLoader.Review(files).For("fa").ToList();

        Assert.Equal(TranslationState.Stale, fa.Single(e => e.Key == "menu.prompt").State);
        Assert.Equal(TranslationState.Missing, fa.Single(e => e.Kind == ReviewEntryKind.Article && e.Key == "help").State);
        Assert.Equal(TranslationState.NeedsReview, fa.Single(e => e.Key == "consent.yes").State);
    }

    [Fact]
    public void An_article_translation_written_by_the_admin_tools_is_linked_and_valid()
    {
        var files = Shipped();
        var source = ShippedContent.Snapshot.FindArticle("stages", "en")!;

        files["articles/ar/stages.md"] = ContentFiles.ComposeArticleTranslation(source, null, "مراحل العودة: ثلاث", "نص جديد للمقال.\n\n1. قبل المغادرة\n2. الرحلة\n3. بعد الوصول", reviewed: true);

        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        Assert.True(snapshot is not null, string.Join("\n", diagnostics));
        Assert.StartsWith("نص جديد للمقال.", snapshot.FindArticle("stages", "ar")!.BodyMarkdown, StringComparison.Ordinal);
        Assert.Equal(TranslationState.Reviewed, KnowledgeLoader.Review(files).For("ar").Single(e => e.Kind == ReviewEntryKind.Article && e.Key == "stages").State);
    }

    [Fact]
    public void Saving_an_article_from_the_admin_keeps_its_example_questions_keywords_and_machine_translation_setting()
    {
        var files = Shipped();
        var k = ShippedContent.Snapshot;
        var source = k.FindArticle("travel", "en")! with { MachineTranslationAllowed = true };
        var russian = k.FindArticle("travel", "ru")!;

        files["articles/ru/travel.md"] = ContentFiles.ComposeArticleTranslation(source, russian, russian.Title, russian.BodyMarkdown, reviewed: true);
        files["articles/en/travel.md"] = ContentFiles.ComposeArticle(source, source.Title, source.BodyMarkdown);

        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        Assert.True(snapshot is not null, string.Join("\n", diagnostics));
        Assert.Equal(russian.Examples, snapshot.FindArticle("travel", "ru")!.Examples);
        Assert.Equal(russian.Keywords, snapshot.FindArticle("travel", "ru")!.Keywords);
        Assert.Equal(source.Examples, snapshot.FindArticle("travel", "en")!.Examples);
        Assert.True(snapshot.FindArticle("travel", "en")!.MachineTranslationAllowed);
        Assert.Equal("travel", snapshot.AnswerQuestion("ru", "кто платит за билет на самолёт?").Matches[0].Article.Id);
    }

    [Fact]
    public void A_version_label_names_a_revision_of_the_same_manifest_version()
    {
        var (snapshot, _) = KnowledgeLoader.Load(Shipped(), "2026.12.1-r7");

        Assert.Equal("2026.12.1-r7", snapshot!.Version);
        Assert.Equal("2026.12.1", KnowledgeLoader.ManifestVersion(Shipped()));
    }

    [Fact]
    public void Line_diff_shows_changed_lines_with_context()
    {
        var diff = LineDiff.Compute("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nD\ne\nf\ng\nh\n", context: 1);

        Assert.Equal(
            ["  c", "- d", "+ D", "  e", "  g", "+ h"],
            diff.Select(l => (l.Kind switch { DiffLineKind.Added => "+ ", DiffLineKind.Removed => "- ", _ => "  " }) + l.Text));
        Assert.Empty(LineDiff.Compute("same\n", "same"));
    }

    [Fact]
    public void A_diff_of_two_huge_unrelated_files_stays_bounded_and_correct()
    {
        var before = "same start\n" + string.Join("\n", Enumerable.Range(0, 60_000).Select(i => "old " + i)) + "\nsame end\n";
        var after = "same start\n" + string.Join("\n", Enumerable.Range(0, 60_000).Select(i => "new " + i)) + "\nsame end\n";

        var diff = LineDiff.Compute(before, after, context: 1);

        Assert.Equal(120_002, diff.Count);
        Assert.Equal(DiffLineKind.Same, diff[0].Kind);
        Assert.Equal(60_000, diff.Count(d => d.Kind == DiffLineKind.Removed));
        Assert.Equal(60_000, diff.Count(d => d.Kind == DiffLineKind.Added));
        Assert.Equal(new DiffLine(DiffLineKind.Same, "same end", 60_002, 60_002), diff[^1]);
    }
}
