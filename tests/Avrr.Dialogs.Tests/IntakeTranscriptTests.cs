using System.Text.Json;
using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Tests;

public sealed class IntakeTranscriptTests
{
    private static Transcript AcceptedInEnglish()
    {
        var t = new Transcript();
        t.Join().Says("lang.prompt").Offers("English").Offers("العربية");
        t.Send("English").Says("lang.changed").Says("consent.short");
        t.Send("yes").Says("consent.accepted").Says("menu.prompt");
        return t;
    }

    [Fact]
    public void English_germany_likely_eligible_with_reasons_sources_and_a_handoff_carrying_the_case_summary()
    {
        var t = AcceptedInEnglish();
        t.Send("2").Says("check.intro").Says("q.host_country").Offers("Germany").Offers("I don't know");
        t.Send("germany").Says("q.status");
        t.Send("Asylum application rejected").Says("q.destination");
        t.Send("My country of origin").Says("q.eu_national");
        t.Send("no").Says("q.means");
        t.Send("No").Says("q.prison");
        t.Send("no").Says("q.household_size");
        t.Send("twenty-five").Says("reprompt.number", ("min", "1"), ("max", "20"));
        t.Send("٣").Says("q.departure_deadline");
        t.Send("next month").Says("reprompt.date");
        t.Send("31/12/2026").Says("q.health");
        t.Send("no").Says("q.safety");
        t.Send("no").Says("q.minor");
        t.Send("no").Says("outcome.likely_eligible", ("programme", t.S("programme.de.name"))).Says("rule.means").Says("fact.de.travel").Says("outcome.offer");
        Assert.Contains("returningfromgermany.de", t.Text, StringComparison.Ordinal);
        Assert.Contains(Transcript.Knowledge.Current.Version, t.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("you are eligible", t.Text, StringComparison.OrdinalIgnoreCase);

        t.Send("yes").Says("case.queued", ("reference", Transcript.Reference)).Says("case.wait_unknown").Says("case.until_then");
        var handoff = Assert.Single(t.Signals.OfType<HandoffRequested>());
        Assert.Equal(HandoffUrgency.Normal, handoff.Urgency);
        using var summary = JsonDocument.Parse(handoff.CaseSummaryJson);
        var root = summary.RootElement;
        Assert.Equal(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("directline", root.GetProperty("case").GetProperty("channel").GetString());
        Assert.Equal("de", root.GetProperty("programme").GetString());
        Assert.Equal(Transcript.Knowledge.Current.Version, root.GetProperty("contentVersion").GetString());
        Assert.Equal("LikelyEligible", root.GetProperty("preScreen").GetProperty("outcome").GetString());
        Assert.Equal("de.means", root.GetProperty("preScreen").GetProperty("findings")[0].GetProperty("rule").GetString());
        var answers = root.GetProperty("answers").EnumerateArray().ToDictionary(a => a.GetProperty("question").GetString()!);
        Assert.Equal("asylum_rejected", answers["status"].GetProperty("answer").GetString());
        Assert.Equal("3", answers["household_size"].GetProperty("answer").GetString());
        // Typed answers keep the person's own words beside the value.
        Assert.Equal("٣", answers["household_size"].GetProperty("words").GetString());
        Assert.Equal("2026-12-31", answers["departure_deadline"].GetProperty("answer").GetString());
        Assert.Equal("31/12/2026", answers["departure_deadline"].GetProperty("words").GetString());
        Assert.True(root.GetProperty("consent").GetProperty("given").GetBoolean());
    }

    [Fact]
    public void French_netherlands_likely_not_eligible_after_a_previous_assisted_return()
    {
        var t = new Transcript("fr-FR") { Language = "fr" };
        t.Join().Says("lang.prompt");
        Assert.Equal("Français", t.Choices[0].Title);
        t.Press("lang:fr").Says("consent.short");
        t.Press("consent:yes").Says("menu.prompt");
        t.Send("Quelle aide puis-je avoir ?").Says("q.host_country");
        t.Send("Pays-Bas").Says("q.status");
        t.Send("4").Says("q.destination");
        t.Send("1").Says("q.means");
        t.Send("non").Says("q.previous_return");
        t.Send("oui").Says("q.withdraw");
        t.Send("oui").Says("q.travel_document");
        t.Send("1").Says("q.health");
        t.Send("non").Says("q.safety");
        t.Send("non").Says("q.minor");
        t.Send("non").Says("outcome.likely_not_eligible", ("programme", t.S("programme.nl.name"))).Says("rule.nl.previous_return");
        Assert.Contains("✗", t.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Arabic_germany_dont_know_answers_give_an_unclear_outcome_right_to_left()
    {
        var t = new Transcript("ar-EG") { Language = "ar" };
        t.Join().Says("lang.prompt").IsRightToLeft(false);
        t.Send("العربيه").Says("consent.short").IsRightToLeft(true);
        t.Send("نعم").Says("menu.prompt");
        t.Send("٢").Says("q.host_country");
        t.Send(t.S("country.DE")).Says("q.status");
        t.Send("لا أعرف").Says("q.destination");
        t.Send("بلدي الأصلي").Says("q.eu_national");
        t.Send("لا").Says("q.means");
        t.Send("لا اعرف").Says("q.prison");
        t.Send("لا").Says("q.household_size");
        t.Send("2").Says("q.departure_deadline");
        t.Send("لا أعرف").Says("q.health");
        t.Send("لا").Says("q.safety");
        t.Send("لا").Says("q.minor");
        t.Send("لا").Says("outcome.unclear", ("programme", t.S("programme.de.name"))).IsRightToLeft(true);
        Assert.Contains("?", t.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Farsi_consent_declined_keeps_information_only_and_stores_no_answers()
    {
        var t = new Transcript("fa-IR") { Language = "fa" };
        t.Join();
        t.Send("فارسی").Says("consent.short");
        t.Send("نه").Says("consent.declined").Says("menu.prompt");
        t.Send("2").Says("check.needs_consent");
        t.Send("نه").Says("menu.prompt");
        t.Send("1").Says("learn.prompt");
        t.Press("article:stages");
        Assert.Contains(Transcript.Knowledge.Current.FindArticle("stages", "fa")!.Title, t.Text, StringComparison.Ordinal);
        using var state = JsonDocument.Parse(t.State!);
        Assert.True(!state.RootElement.TryGetProperty("a", out var answers) || !answers.EnumerateObject().Any());
    }

    [Fact]
    public void Language_switched_mid_questionnaire_continues_the_same_question_in_the_new_language()
    {
        var t = new Transcript("fa-IR") { Language = "fa" };
        t.Join();
        t.Send("فارسی");
        t.Send("بله");
        t.Send("۲").Says("q.host_country");
        t.Send("آلمان").Says("q.status");
        t.Send("1").Says("q.destination");
        t.Send("1").Says("q.eu_national");
        t.Send("زبان").Says("lang.prompt");
        t.Language = "en";
        t.Send("English").Says("lang.changed").Says("q.eu_national").Offers("Yes");
        t.Send("no").Says("q.means");
    }

    [Fact]
    public void A_safeguarding_disclosure_mid_questionnaire_interrupts_with_contacts_and_an_urgent_handoff()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("Germany");
        t.Send("1").Says("q.destination");
        t.Send("1").Says("q.eu_national");
        t.Send("They took my passport and I was forced to work");
        Assert.Contains(t.S("safeguarding.message", ("emergency", "112"), ("contacts", ""))[..40], t.Text, StringComparison.Ordinal);
        Assert.Contains("https://www.kok-gegen-menschenhandel.de", t.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("116 016", t.Text, StringComparison.Ordinal);
        Assert.Contains("112", t.Text, StringComparison.Ordinal);
        var handoff = Assert.Single(t.Signals.OfType<HandoffRequested>());
        Assert.Equal(HandoffUrgency.Urgent, handoff.Urgency);
        using var summary = JsonDocument.Parse(handoff.CaseSummaryJson);
        var flag = Assert.Single(summary.RootElement.GetProperty("flags").EnumerateArray());
        Assert.Equal("Trafficking", flag.GetProperty("category").GetString());
        Assert.Equal("They took my passport and I was forced to work", flag.GetProperty("message").GetString());
        t.Says("case.queued", ("reference", Transcript.Reference));
    }

    [Fact]
    public void A_medical_emergency_is_given_the_emergency_number_without_the_other_lines()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("Netherlands").Says("q.status");
        t.Send("my waters broke").Says("safeguarding.message", ("emergency", "112"), ("contacts", ""));
        Assert.DoesNotContain("0800 2000", t.Text, StringComparison.Ordinal);
        Assert.Equal(HandoffUrgency.Urgent, Assert.Single(t.Signals.OfType<HandoffRequested>()).Urgency);
    }

    [Fact]
    public void A_person_afraid_of_harm_on_return_is_given_the_programme_office_and_an_urgent_counsellor()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("Netherlands").Says("q.status");
        t.Send("they will kill me if i go back").Says("safeguarding.message", ("emergency", "112"), ("contacts", $"{t.S("contact.nl.return")}: 088 746 44 66\n"));
        using var summary = System.Text.Json.JsonDocument.Parse(Assert.Single(t.Signals.OfType<HandoffRequested>()).CaseSummaryJson);
        Assert.Equal("FearOfReturn", Assert.Single(summary.RootElement.GetProperty("flags").EnumerateArray()).GetProperty("category").GetString());
    }

    [Fact]
    public void A_disclosure_answered_in_the_questionnaire_also_raises_an_urgent_handoff()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("Belgium");
        t.Send("3").Says("q.health");
        t.Send("no").Says("q.safety");
        t.Send("yes");
        Assert.Contains("03 201 16 90", t.Text, StringComparison.Ordinal);
        Assert.Equal(HandoffUrgency.Urgent, Assert.Single(t.Signals.OfType<HandoffRequested>()).Urgency);
    }

    [Fact]
    public void Back_goes_to_the_previous_question_and_forgets_its_answer()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("Germany");
        t.Send("1").Says("q.destination");
        t.Send("back").Says("q.status");
        t.Send("2").Says("q.destination");
    }

    [Fact]
    public void Stop_opts_out_and_the_next_message_resumes_with_a_welcome_back()
    {
        var t = AcceptedInEnglish();
        t.Send("stop").Says("stop.confirm");
        Assert.Single(t.Signals.OfType<OptedOut>());
        t.Send("hello").Says("stop.welcome_back").Says("menu.prompt");
    }

    [Fact]
    public void Restart_forgets_the_answers_and_asks_for_consent_again()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("Germany");
        t.Send("restart").Says("restart.done").Says("consent.short");
        Assert.DoesNotContain("DE", t.State!, StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_my_data_asks_first_then_erases_and_starts_over()
    {
        var t = AcceptedInEnglish();
        t.Send("delete my data").Says("data.delete_confirm");
        t.Send("yes").Says("data.deleted");
        Assert.Single(t.Signals.OfType<EraseRequested>());
        t.Send("hi").Says("lang.prompt");
    }

    [Fact]
    public void Counsellor_is_one_message_away_at_any_point()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("counselor").Says("case.queued", ("reference", Transcript.Reference));
        Assert.Single(t.Signals.OfType<HandoffRequested>());
        t.Send("human").Says("case.already", ("reference", Transcript.Reference));
        Assert.Single(t.Signals.OfType<HandoffRequested>());
    }

    [Fact]
    public void Free_text_questions_are_answered_from_articles_with_their_source_or_offer_a_counsellor()
    {
        var t = AcceptedInEnglish();
        t.Send("can I change my mind later?").Says("info.source", ("source", Transcript.Knowledge.Current.FindArticle("voluntariness", "en")!.Source), ("date", ReadableDate.Format(new DateOnly(2026, 12, 2), "en")));
        t.Send("zebra xylophone quantum").Says("info.not_found").Offers(t.S("menu.counsellor"));
    }

    [Fact]
    public void A_question_that_matches_nothing_in_the_persons_language_asks_for_a_translation_and_is_answered_from_the_curated_article()
    {
        var t = new Transcript("fa-IR") { Language = "fa" };
        t.Join();
        t.Send("فارسی").Says("consent.short");
        t.Send(t.S("consent.yes")).Says("menu.prompt");
        t.Send("1").Says("learn.prompt");
        // Everyday words the Farsi content does not use ("what if I regret it later?").
        const string question = "اگه بعدش پشیمون شدم چی میشه؟";

        t.Send(question).Says("info.not_found");
        Assert.Equal(new TranslationWanted(question, "fa"), Assert.Single(t.Last.Signals.OfType<TranslationWanted>()));

        // Run again by the host with the translation: the answer is the curated Farsi article, never the translation.
        t.TextInSourceLanguage = "can I change my mind later?";
        t.Send(question).Says("info.source", ("source", Transcript.Knowledge.Current.FindArticle("voluntariness", "fa")!.Source), ("date", ReadableDate.Format(new DateOnly(2026, 12, 2), "fa")));
        Assert.Contains(Transcript.Knowledge.Current.FindArticle("voluntariness", "fa")!.Title, t.Text, StringComparison.Ordinal);
        Assert.Empty(t.Last.Signals);

        // A question in the source language never asks for one.
        var english = AcceptedInEnglish();
        english.Send("1");
        english.Send("zebra xylophone quantum").Says("info.not_found");
        Assert.DoesNotContain(english.Last.Signals, s => s is TranslationWanted);
    }

    [Fact]
    public void Misunderstood_answers_are_asked_again_then_the_menu_is_offered()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Send("Germany");
        t.Send("purple").Says("reprompt.choice").Says("q.status");
        t.Send("purple").Says("reprompt.choice");
        t.Send("purple").Says("reprompt.limit").Says("menu.prompt");
    }

    [Fact]
    public void The_conversation_survives_a_process_restart_between_turns()
    {
        var t = AcceptedInEnglish();
        t.Send("2");
        t.Engine = new IntakeEngine(new FileKnowledgeSource(Transcript.ContentPath()));
        t.Send("Germany").Says("q.status");
    }

    [Fact]
    public void Long_replies_are_split_at_sentence_boundaries_with_the_choices_on_the_last_part()
    {
        var t = new Transcript(capabilities: new ChannelCapabilities(160, 3, true));
        t.Join();
        t.Send("English");
        Assert.True(t.Last.Replies.Count > 2);
        Assert.All(t.Last.Replies, r => Assert.True(r.Text.Length <= 160));
        Assert.All(t.Last.Replies.SkipLast(1), r => Assert.Empty(r.Choices));
        Assert.Equal(3, t.Last.Replies[^1].Choices.Count);
    }

    [Fact]
    public void A_channel_with_fewer_buttons_lists_every_choice_with_its_number()
    {
        var t = new Transcript(capabilities: new ChannelCapabilities(4096, 3, true));
        t.Join();
        Assert.Contains("4. فارسی", t.Text, StringComparison.Ordinal);
        t.Language = "fa";
        t.Send("4").Says("consent.short");
    }

    [Fact]
    public void A_first_message_without_a_join_is_greeted_in_the_language_it_suggests()
    {
        var t = new Transcript("en-US") { Language = "ar" };
        t.Send("مرحبا، أريد المساعدة").Says("lang.prompt");
        Assert.Equal("العربية", t.Choices[0].Title);
        var farsi = new Transcript("en-US") { Language = "fa" };
        farsi.Send("سلام، کمک می‌خواهم").Says("lang.prompt");
    }

    [Fact]
    public void The_language_can_be_changed_from_the_menu()
    {
        var t = AcceptedInEnglish();
        t.Send("Language").Says("lang.prompt");
        t.Language = "fr";
        t.Send("Français").Says("lang.changed").Says("menu.prompt");
    }
}
