using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Tests;

/// <summary>
/// An article with no curated translation in the person's language is shown machine-translated only where the
/// administrator allows it (<c>machine_translation: allowed</c>), always with the notice; otherwise, or when the host
/// cannot translate, in the fallback language with its note.
/// </summary>
public sealed class MachineTranslatedArticleTests : IDisposable
{
    private readonly string _content = Path.Combine(Path.GetTempPath(), "avrr-mt-" + Guid.NewGuid().ToString("N"));

    public MachineTranslatedArticleTests()
    {
        // The shipped content with Farsi not complete and without its voluntariness article.
        foreach (var file in Directory.EnumerateFiles(Transcript.ContentPath(), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_content, Path.GetRelativePath(Transcript.ContentPath(), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.Delete(Path.Combine(_content, "articles", "fa", "voluntariness.md"));
        var manifest = Path.Combine(_content, "content.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("{ code: fa, name: فارسی, rtl: true, complete: true }", "{ code: fa, name: فارسی, rtl: true, complete: false }", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_content, recursive: true);

    private Transcript FarsiInTheLearnMenu(bool allowed)
    {
        var article = Path.Combine(_content, "articles", "en", "voluntariness.md");
        var text = File.ReadAllText(article).Replace("machine_translation: allowed\n", "", StringComparison.Ordinal);
        File.WriteAllText(article, allowed ? text.Replace("---\nid: voluntariness\n", "---\nid: voluntariness\nmachine_translation: allowed\n", StringComparison.Ordinal) : text);
        var t = new Transcript("fa-IR") { Language = "fa" };
        t.Engine = new Intake.IntakeEngine(new FileKnowledgeSource(_content));
        t.Join();
        t.Send("فارسی");
        t.Send(t.S("consent.yes"));
        t.Send("1");
        return t;
    }

    [Fact]
    public void Allowed_the_article_is_asked_for_and_shown_machine_translated_with_the_notice()
    {
        var t = FarsiInTheLearnMenu(allowed: true);

        t.Press("article:voluntariness");
        Assert.Equal(new ArticleTranslationWanted("voluntariness", "en", "fa"), Assert.Single(t.Last.Signals));

        t.TextInSourceLanguage = null;
        var translated = new TranslatedArticle("voluntariness", "fa", "انتخاب شما", "متن ترجمه‌شده");
        t.Engine = new ArticleAwareEngine(t.Engine, translated);
        t.Press("article:voluntariness").Says("info.machine_translated").Says("info.source", ("source", Transcript.Knowledge.Current.FindArticle("voluntariness", "en")!.Source), ("date", ReadableDate.Format(new DateOnly(2026, 12, 2), "fa")));
        Assert.Contains("متن ترجمه‌شده", t.Text, StringComparison.Ordinal);
        Assert.Empty(t.Last.Signals);
    }

    [Fact]
    public void Not_allowed_or_not_translated_the_fallback_is_shown_with_its_note()
    {
        var t = FarsiInTheLearnMenu(allowed: false);
        t.Press("article:voluntariness");
        Assert.Empty(t.Last.Signals);
        Assert.DoesNotContain(t.S("info.machine_translated"), t.Text, StringComparison.Ordinal);

        var allowed = FarsiInTheLearnMenu(allowed: true);
        allowed.Engine = new ArticleAwareEngine(allowed.Engine, new TranslatedArticle("voluntariness", "", "", ""));
        allowed.Press("article:voluntariness");
        Assert.Empty(allowed.Last.Signals);
        Assert.DoesNotContain(allowed.S("info.machine_translated"), allowed.Text, StringComparison.Ordinal);
        Assert.Contains("Your choice", allowed.Text, StringComparison.Ordinal);
    }

    /// <summary>The host's second run: the same input with the translated article.</summary>
    private sealed class ArticleAwareEngine(IDialogEngine inner, TranslatedArticle article) : IDialogEngine
    {
        public TurnResult Run(string? state, TurnInput input) => inner.Run(state, input with { ArticleTranslation = article });

        public TurnResult Notify(string? state, CaseNotice notice, ChannelCapabilities capabilities, DateTimeOffset now) => inner.Notify(state, notice, capabilities, now);
    }
}
