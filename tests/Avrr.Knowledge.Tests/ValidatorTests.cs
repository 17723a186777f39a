namespace Avrr.Knowledge.Tests;

/// <summary>
/// One broken fixture per class of content error: each is the shipped content with one change, and the validator
/// must report it as <c>file:line: message</c>.
/// </summary>
public sealed class ValidatorTests
{
    private static Dictionary<string, string> Shipped() => ShippedContent.Files();

    private static List<ContentDiagnostic> Errors(Dictionary<string, string> files)
    {
        var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.Null(snapshot);
        return errors;
    }


    [Fact]
    public void Yaml_syntax_error_is_reported_with_its_line()
    {
        var files = Shipped();
        files["questions.yaml"] = "questions:\n  - id: status\n    kind: [unclosed\n";

        var error = Errors(files).First(e => e.File == "questions.yaml");

        Assert.Contains("YAML syntax error", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.StartsWith($"questions.yaml:{error.Line}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_errors_unknown_field_wrong_kind_and_bad_date()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "questions.yaml", "    kind: YesNo\n    prompt: q.means", "    kind: Maybe\n    prompt: q.means");
        ShippedContent.Edit(files, "programmes/de.yaml", "last_verified: 2026-12-02", "last_verified: yesterday");
        ShippedContent.Edit(files, "programmes/cy.yaml", "summary: programme.cy.summary", "summary: programme.cy.summary\ncolour: blue");

        var errors = Errors(files).Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("questions.yaml:", StringComparison.Ordinal) && e.Contains("unknown kind 'Maybe'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("programmes/de.yaml:", StringComparison.Ordinal) && e.Contains("must be a date", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("programmes/cy.yaml:8:", StringComparison.Ordinal) && e.Contains("unknown field 'colour'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a: ", 50_000, "nested deeper than 32 levels")]
    [InlineData("a: ", 40, "nested deeper than 32 levels")]
    public void A_yaml_bomb_is_a_clear_error_not_a_crash(string prefix, int brackets, string message)
    {
        var files = Shipped();
        files["questions.yaml"] = prefix + new string('[', brackets);

        var error = Errors(files).First(e => e.File == "questions.yaml");

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_aliases_and_oversized_files_are_refused()
    {
        var files = Shipped();
        files["contacts/cy.yaml"] = "a: &x [1, 2]\nb: *x\n";
        files["contacts/de.yaml"] = "# " + new string('x', YamlLimits.MaxCharacters);

        var errors = Errors(files).Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("contacts/cy.yaml:2:", StringComparison.Ordinal) && e.Contains("aliases", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("contacts/de.yaml:1:", StringComparison.Ordinal) && e.Contains("larger than", StringComparison.Ordinal));
    }

    [Fact]
    public void A_retention_period_written_as_a_number_instead_of_from_the_settings()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/en.yaml", "kept for {retention_days} days at most", "kept for 30 days at most");

        var errors = Errors(files).Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("strings/en.yaml:", StringComparison.Ordinal) && e.Contains("'consent.short' must say the period with {retention_days}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_translation_that_loses_or_invents_a_placeholder()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/fr.yaml", "Elles sont gardées {retention_days} jours", "Elles sont gardées 30 jours");
        ShippedContent.Edit(files, "strings/de.yaml", "Ihre Sprache ({language})", "Ihre Sprache ({sprache})");

        var errors = Errors(files).Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("strings/fr.yaml:", StringComparison.Ordinal) && e.Contains("'consent.short' must use the placeholders of its source: {retention_days}", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("strings/de.yaml:", StringComparison.Ordinal) && e.Contains("'data.item_language' must use the placeholders of its source: {language}", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_translation_in_a_complete_language()
    {
        var files = Shipped();
        var lines = files["strings/fr.yaml"].Split('\n').Where(l => !l.StartsWith("  menu.prompt:", StringComparison.Ordinal));
        files["strings/fr.yaml"] = string.Join('\n', lines);

        Assert.Contains(Errors(files), e => e.File == "strings/fr.yaml" && e.Message.Contains("menu.prompt", StringComparison.Ordinal) && e.Message.Contains("not translated", StringComparison.Ordinal));
    }

    [Fact]
    public void Stale_translation_after_the_source_changed()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/en.yaml", "\"What would you like to do?\"", "\"What do you want to do now?\"");

        var stale = Errors(files).Where(e => e.Message.Contains("'menu.prompt' is stale", StringComparison.Ordinal)).ToList();

        var translations = files.Keys.Where(f => f.StartsWith("strings/", StringComparison.Ordinal) && f != "strings/en.yaml").Order();
        Assert.Equal(translations, stale.Select(e => e.File).Order());
        Assert.All(stale, e => Assert.True(e.Line > 1));
    }

    [Fact]
    public void Stale_article_translation_after_the_source_article_changed()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "articles/en/stages.md", "Assisted voluntary return has three stages.", "Assisted voluntary return happens in three stages.");

        var stale = Errors(files).Where(e => e.Message.Contains("article 'stages' is stale", StringComparison.Ordinal)).Select(e => e.File).Order().ToList();

        var translations = files.Keys.Where(f => f.StartsWith("articles/", StringComparison.Ordinal) && f.EndsWith("/stages.md", StringComparison.Ordinal) && f != "articles/en/stages.md").Order();
        Assert.Equal(translations, stale);
    }

    [Fact]
    public void Article_translation_without_its_source_link_or_a_missing_core_article()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "articles/fr/help.md", "translated_from: ", "# translated_from: ");
        files.Remove("articles/ar/voluntariness.md");

        var errors = Errors(files);

        Assert.Contains(errors, e => e.File == "articles/fr/help.md" && e.Message.Contains("does not record the source", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "articles/ar/voluntariness.md" && e.Message.Contains("core article 'voluntariness'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_text_that_tells_people_to_type_a_word_no_command_knows_or_a_command_missing_in_a_complete_language()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/fr.yaml", "« conseiller »", "« dire bonjour »");
        ShippedContent.Edit(files, "commands.yaml", "  ti: [ደጊምካ ጀምር]\n", "");

        var errors = Errors(files);

        Assert.Contains(errors, e => e.File == "strings/fr.yaml" && e.Message.Contains("to type “dire bonjour”", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "commands.yaml" && e.Message.Contains("'Restart' has no words in 'ti'", StringComparison.Ordinal));
        Assert.Equal(["dire bonjour", "stop", "Sprache"], TypedWords.In("Tapez « dire bonjour » ou \"stop\", „Sprache“ et {programme} « {programme} ».").ToList());
    }

    [Fact]
    public void Machine_translation_permission_is_allowed_or_never()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "articles/en/help.md", "---\nid: help\n", "---\nid: help\nmachine_translation: sometimes\n");

        Assert.Contains(Errors(files), e => e.File == "articles/en/help.md" && e.Message.Contains("machine_translation must be 'allowed' or 'never'", StringComparison.Ordinal));

        var allowed = Shipped();
        ShippedContent.Edit(allowed, "articles/en/help.md", "---\nid: help\n", "---\nid: help\nmachine_translation: allowed\n");
        Assert.True(KnowledgeLoader.Load(allowed).Snapshot!.FindArticle("help", "en")!.MachineTranslationAllowed);
    }

    [Fact]
    public void Learn_menu_naming_an_unknown_article()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "content.yaml", "learn_menu: [stages,", "learn_menu: [stagez,");

        Assert.Contains(Errors(files), e => e.File == "content.yaml" && e.Message.Contains("'stagez'", StringComparison.Ordinal));
    }

    [Fact]
    public void Rule_referencing_an_unknown_question_or_answer()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "programmes/de.yaml", "exclude_when: { prison: [\"yes\"] }", "exclude_when: { jail: [\"yes\"] }");
        ShippedContent.Edit(files, "programmes/nl.yaml", "require: { travel_document: [\"yes\", can_get] }", "require: { travel_document: [\"yes\", maybe] }");

        var errors = Errors(files);

        Assert.Contains(errors, e => e.File == "programmes/de.yaml" && e.Message.Contains("unknown question 'jail'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "programmes/nl.yaml" && e.Message.Contains("unknown answer 'maybe'", StringComparison.Ordinal));
    }

    [Fact]
    public void Unreachable_question()
    {
        var files = Shipped();
        files["questions.yaml"] += "  - id: favourite_colour\n    kind: FreeText\n    prompt: q.means\n";

        Assert.Contains(Errors(files), e => e.File == "questions.yaml" && e.Message.Contains("'favourite_colour' is unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public void Fact_without_a_source()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "programmes/cy.yaml", "    text: fact.cy.support\n    source: [iom-cyprus-avrr, cyprus-avr-leaflet]\n", "    text: fact.cy.support\n");

        Assert.Contains(Errors(files), e => e.File == "programmes/cy.yaml" && e.Message.Contains("fact 'cy.support' needs a 'source'", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_ids()
    {
        var files = Shipped();
        files["questions.yaml"] += "  - id: means\n    kind: YesNo\n    prompt: q.means\n";
        var duplicateLine = files["strings/en.yaml"].Count(c => c == '\n') + 1;
        files["strings/en.yaml"] += "  menu.prompt: \"Again\"\n";

        var errors = Errors(files);

        Assert.Contains(errors, e => e.File == "questions.yaml" && e.Message.Contains("duplicate question id 'means'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File == "strings/en.yaml" && e.Line == duplicateLine && e.Message.Contains("duplicate key menu.prompt", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_string_key_used_by_content_must_exist()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "programmes/de.yaml", "reason: rule.de.prison", "reason: rule.de.nonexistent");

        Assert.Contains(Errors(files), e => e.File == "programmes/de.yaml" && e.Message.Contains("'rule.de.nonexistent'", StringComparison.Ordinal));
    }

    [Fact]
    public void Service_errors_time_zone_hours_and_a_canned_response_without_its_text()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "content.yaml", "timezone: Europe/Brussels", "timezone: Europe/Atlantis");
        ShippedContent.Edit(files, "content.yaml", "open: \"09:00\", close: \"17:00\"", "open: \"17:00\", close: \"09:00\"");
        ShippedContent.Edit(files, "content.yaml", "canned: [greeting,", "canned: [welcome_back, greeting,");

        var errors = Errors(files).Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("content.yaml:", StringComparison.Ordinal) && e.Contains("unknown time zone 'Europe/Atlantis'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'open' must be before 'close'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("canned response 'welcome_back' uses string 'canned.welcome_back'", StringComparison.Ordinal));
    }

    [Fact]
    public void Office_hours_need_their_wording_for_the_person()
    {
        var files = Shipped();
        ShippedContent.Edit(files, "strings/en.yaml", "  service.hours:", "  service.opening_times:");

        Assert.Contains(Errors(files), e => e.Message.Contains("the office hours uses string 'service.hours'", StringComparison.Ordinal));
    }
}
