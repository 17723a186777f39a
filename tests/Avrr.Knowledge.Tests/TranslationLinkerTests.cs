namespace Avrr.Knowledge.Tests;

/// <summary>The linking tool marks a translation current only when its paragraphs and numbers still match the source.</summary>
public sealed class TranslationLinkerTests
{
    private static Dictionary<string, string> Shipped() => ShippedContent.Files();

    private static string Unlinked(string text) =>
        string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("translated_from:", StringComparison.Ordinal) && !l.StartsWith("status:", StringComparison.Ordinal)));

    [Fact]
    public void A_matching_translation_is_linked_to_the_hash_the_validator_expects()
    {
        var files = Shipped();
        files["articles/de/travel.md"] = Unlinked(files["articles/de/travel.md"]);

        var (changed, results) = TranslationLinker.Link(files, "en", new HashSet<string>());

        var result = Assert.Single(results);
        Assert.True(result.Linked, result.Detail);
        files["articles/de/travel.md"] = changed["articles/de/travel.md"];
        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        Assert.True(snapshot is not null, string.Join("\n", diagnostics));
        Assert.DoesNotContain(diagnostics, d => d.File == "articles/de/travel.md");
    }

    [Fact]
    public void A_translation_with_another_amount_or_a_dropped_paragraph_is_not_linked()
    {
        var files = Shipped();
        files["articles/fr/travel.md"] = files["articles/fr/travel.md"].Replace("jusqu’à 200 €", "jusqu’à 250 €", StringComparison.Ordinal);
        var help = files["articles/pt/help.md"];
        files["articles/pt/help.md"] = help[..help.LastIndexOf("\n\n", StringComparison.Ordinal)] + "\n";

        var (changed, results) = TranslationLinker.Link(files, "en", new HashSet<string>(["travel", "help"]));

        Assert.DoesNotContain(changed.Keys, k => k is "articles/fr/travel.md" or "articles/pt/help.md");
        Assert.Contains(results, r => r is { Path: "articles/fr/travel.md", Linked: false } && r.Detail.Contains("numbers [4, 8, 12, 18, 100, 250] where the source has [4, 8, 12, 18, 100, 200]", StringComparison.Ordinal));
        Assert.Contains(results, r => r is { Path: "articles/pt/help.md", Linked: false } && r.Detail.Contains("paragraphs and list items", StringComparison.Ordinal));
    }
}
