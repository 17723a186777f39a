namespace Avrr.Knowledge.Tests;

/// <summary>
/// One broken fixture per editorial check (sources, contacts, grammar-safe placeholders, glossary, numbers,
/// safeguarding coverage and corpus), and how such errors are treated in a version that was already published.
/// </summary>
public sealed class ValidatorPolicyTests
{
    private static Dictionary<string, string> Shipped() => ShippedContent.Files();

    private static List<ContentDiagnostic> Errors(Dictionary<string, string> files)
    {
        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        Assert.Null(snapshot);
        return diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }


    [Fact]
    public void A_source_that_is_a_local_file_path_is_refused_with_what_to_do_instead()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "programmes/de.yaml", "    source: reag-garp\n", "    source: seeds/000_35c7448b8c26979f.txt\n");

        var error = Errors(files).First(e => e.File == "programmes/de.yaml");

        Assert.Contains("is a local file path; cite an entry of sources.yaml", error.Message, StringComparison.Ordinal);
        Assert.True(error.Policy);
    }

    [Fact]
    public void A_source_id_that_sources_yaml_does_not_list_is_refused()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "articles/en/stages.md", "source: iom-avrr-eu", "source: [iom-avrr-eu, iom-somewhere]");

        Assert.Contains(Errors(files), e => e.File == "articles/en/stages.md" && e.Message.Contains("source 'iom-somewhere' is not an id in sources.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void A_source_entry_must_have_a_readable_title_and_a_public_address()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "sources.yaml", "title: \"IOM Cyprus: the Assisted Voluntary Return and Reintegration programme\"", "title: \"seeds/002_a23b95648054dfb8.txt\"");
        ShippedContent.Edit(files, "sources.yaml", "url: https://www.retourvolontaire.be", "url: file:///home/me/retour.html");

        var errors = Errors(files).Where(e => e.File == "sources.yaml").Select(e => e.Message).ToList();

        Assert.Contains(errors, m => m.Contains("source 'iom-cyprus-avrr': the title must say what the document is", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("source 'retourvolontaire': url must be a public web address", StringComparison.Ordinal));
    }

    [Fact]
    public void The_person_sees_a_readable_source_never_a_file_name()
    {
        var k = ShippedContent.Snapshot;
        var programmes = k.HostCountries.Select(h => k.FindProgramme(h.ProgrammeId)!).ToList();
        var citations = k.Languages.SelectMany(l => k.LearnArticles(l.Code)).Select(a => a.Source)
            .Concat(programmes.SelectMany(p => p.Facts).Select(f => f.Source))
            .Concat(programmes.SelectMany(p => k.Evaluate(p.Id, new Dictionary<string, string>()).Findings).Select(f => f.Source))
            .Concat(k.HostCountries.SelectMany(h => k.Contacts(h.Code)).Select(c => c.Source))
            .ToList();

        Assert.NotEmpty(citations);
        Assert.All(citations, c => Assert.DoesNotMatch(@"seeds/|reference/|\.txt\b|avrr-domain", c));
        Assert.Contains("IOM information sheet: Assisted Voluntary Return and Reintegration in the EU", k.FindArticle("stages", "so")!.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void No_text_shown_to_a_person_names_a_file()
    {
        foreach (var (path, text) in KnowledgeLoader.ReadDirectory(ShippedContent.Path).Where(f => f.Key.StartsWith("strings/", StringComparison.Ordinal) || f.Key.StartsWith("articles/", StringComparison.Ordinal)))
        {
            Assert.DoesNotMatch(@"seeds/|reference/|[0-9a-f]{16}\.txt|\.md\b", text.Split("\n---\n", 2)[^1]);
        }
    }

    [Fact]
    public void Every_host_country_needs_contacts_for_trafficking_children_violence_and_the_programme()
    {
        var files = Shipped();
        files["contacts/cy.yaml"] = "host_country: CY\ncontacts:\n  - { id: cy.112, kind: Emergency, name: contact.emergency, phone: \"112\", source: cy-police, last_verified: 2026-11-01 }\n";

        var error = Assert.Single(Errors(files), e => e.File == "contacts/cy.yaml");

        Assert.Contains("has no contact of kind Counselling, AntiTrafficking, ChildProtection, GenderBasedViolence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_contact_is_reached_by_phone_or_through_its_page()
    {
        var k = ShippedContent.Snapshot;
        Assert.Equal("https://www.kok-gegen-menschenhandel.de", k.Contacts("DE").Single(c => c.Kind == ContactKind.AntiTrafficking).Reach);

        var files = Shipped();
        ShippedContent.Edit(files, "contacts/de.yaml", "url: \"https://www.kok-gegen-menschenhandel.de\", ", "");
        Assert.Contains(Errors(files), e => e.File == "contacts/de.yaml" && e.Message.Contains("needs a 'phone' or a 'url'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_noun_phrase_placeholder_declined_into_the_sentence_is_refused()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/fr.yaml", "ce programme pourrait vous aider : {programme}.", "le {programme} pourrait vous aider.");

        Assert.Contains(Errors(files), e => e.File == "strings/fr.yaml" && e.Message.Contains("declines {programme} into the sentence", StringComparison.Ordinal));
    }

    [Fact]
    public void A_term_the_glossary_rules_out_is_refused_in_strings_and_articles()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/fr.yaml", "OIM Chypre, retour volontaire", "IOM Chypre, retour volontaire");
        ShippedContent.Edit(files, "articles/nl/help.md", "re-integratie", "herintegratie");

        var errors = Errors(files);

        Assert.Contains(errors, e => e.File == "strings/fr.yaml" && e.Message.Contains("string 'contact.cy.return' writes “IOM”; the 'fr' glossary says “OIM”", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "articles/nl/help.md" && e.Message.Contains("writes “herintegratie”", StringComparison.Ordinal));
    }

    [Fact]
    public void A_current_translation_that_states_other_numbers_is_refused()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/de.yaml", "Reisegeld bis zu 200 €", "Reisegeld bis zu 250 €");
        ShippedContent.Edit(files, "articles/es/travel.md", "hasta 200 €", "hasta 300 €");

        var errors = Errors(files);

        Assert.Contains(errors, e => e.File == "strings/de.yaml" && e.Message.Contains("string 'fact.de.travel' states the numbers [18, 100, 250]", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "articles/es/travel.md" && e.Message.Contains("300", StringComparison.Ordinal));
    }

    [Fact]
    public void Numbers_are_read_in_every_script_and_with_thousands_separators()
    {
        Assert.Equal([1000, 4000], ContentChecks.Numbers("1 000 € … 4.000 €"));
        Assert.Equal([12, 31, 2026], ContentChecks.Numbers("31.12.2026"));
        Assert.Equal([18, 200], ContentChecks.Numbers("۲۰۰ یورو … ١٨"));
        Assert.Equal([16], ContentChecks.Numbers("আমার বয়স ১৬"));
    }

    [Fact]
    public void A_language_without_phrases_for_a_category_is_refused()
    {
        var files = Shipped();
        var lexicon = files["safeguarding/lexicon.yaml"].Split('\n');
        var start = Array.FindIndex(lexicon, l => l.StartsWith("FearOfReturn:", StringComparison.Ordinal));
        files["safeguarding/lexicon.yaml"] = string.Join('\n', lexicon.Where((l, i) => !(i > start && l.StartsWith("  so:", StringComparison.Ordinal))));

        var errors = Errors(files);

        Assert.Contains(errors, e => e.File == "safeguarding/lexicon.yaml" && e.Message.Contains("'so' has no phrase for FearOfReturn", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "safeguarding/corpus.yaml" && e.Message.Contains("'so' disclosure “Way i dilayaan haddii aan dib u laabto” raises no alarm", StringComparison.Ordinal));
    }

    [Fact]
    public void An_everyday_sentence_that_raises_an_alarm_is_refused()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "safeguarding/corpus.yaml", "everyday: [\"¿Qué documentos necesito para viajar?\"", "everyday: [\"¿Qué documentos necesito para viajar?\", \"No quiero morir de aburrimiento esperando, quiero morir de risa\"");

        Assert.Contains(Errors(files), e => e.File == "safeguarding/corpus.yaml" && e.Message.Contains("raises a SelfHarm alarm", StringComparison.Ordinal));
    }

    [Fact]
    public void A_corpus_without_a_disclosure_for_a_category_is_refused()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "safeguarding/corpus.yaml", "    FearOfReturn: [\"Me matan si vuelvo a mi país\", \"tengo miedo de volver\"]\n", "");

        Assert.Contains(Errors(files), e => e.Message.Contains("'es' has no FearOfReturn disclosure in the corpus", StringComparison.Ordinal));
    }

    [Fact]
    public void A_version_published_before_a_policy_check_existed_still_loads_but_cannot_be_published_again()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "programmes/de.yaml", "    source: reag-garp\n", "    source: seeds/000_35c7448b8c26979f.txt\n");

        var (strict, _) = KnowledgeLoader.Load(files);
        var (published, diagnostics) = KnowledgeLoader.Load(files, acceptPolicyErrors: true);

        Assert.Null(strict);
        Assert.NotNull(published);
        Assert.Contains(diagnostics, d => d.Policy);

        files["questions.yaml"] = "questions: [";
        Assert.Null(KnowledgeLoader.Load(files, acceptPolicyErrors: true).Snapshot);
    }
}
