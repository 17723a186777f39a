namespace Avrr.Bot.Tests.Intake;

/// <summary>The whole intake in four languages through the real pipeline and store (issue: intake conversation).</summary>
public sealed class IntakePipelineTranscriptTests
{
    [Fact]
    public void English_germany_eligible_then_not_eligible_after_restart_with_a_process_restart_in_between()
    {
        using var t = new PipelineTranscript("en", "en-GB");
        t.Send("hello").Says("lang.prompt");
        t.Send("English").Says("consent.short");
        t.Send("yes").Says("menu.prompt");
        t.Send("2").Says("q.host_country");
        t.Send("Germany").Says("q.status");
        t.Restart();
        t.Send("1").Says("q.destination");
        t.Send("1").Says("q.eu_national");
        t.Send("no").Says("q.means");
        t.Send("no").Says("q.prison");
        t.Send("no").Says("q.household_size");
        t.Send("2").Says("q.departure_deadline");
        t.Send("I don't know").Says("q.health");
        t.Send("no").Says("q.safety");
        t.Send("no").Says("q.minor");
        t.Send("no").Says("outcome.likely_eligible", ("programme", t.S("programme.de.name")));

        t.Send("restart").Says("restart.done").Says("consent.short");
        t.Send("yes");
        t.Send("2");
        t.Send("Germany");
        t.Send("1");
        t.Send("1");
        t.Send("yes").Says("q.means");
        t.Send("no");
        t.Send("no");
        t.Send("1");
        t.Send("I prefer not to say");
        t.Send("no");
        t.Send("no");
        t.Send("no").Says("outcome.likely_not_eligible", ("programme", t.S("programme.de.name"))).Says("rule.de.eu_national");
    }

    [Fact]
    public void English_safeguarding_disclosure_mid_questionnaire_then_stop_and_resume()
    {
        using var t = new PipelineTranscript("en", "en-US");
        t.Send("hi");
        t.Send("English");
        t.Send("yes");
        t.Send("2");
        t.Send("Belgium").Says("q.status");
        t.Send("I want to end my life").Says("safeguarding.message", ("emergency", "112"), ("contacts", $"{t.S("contact.be.suicide")}: 0800 32 123\n"));
        Assert.Equal(1, t.Cases(urgency: 2));

        // Stop works while waiting for a counsellor; writing again finds the person still in the queue.
        t.Send("stop").Says("stop.confirm");
        t.Restart();
        t.Send("hello").Says("stop.welcome_back").DoesNotSay("menu.prompt");
        Assert.Contains("AV-", t.Text, StringComparison.Ordinal);
        t.Send("one more thing");
        Assert.Equal("", t.Text);
    }

    [Fact]
    public void French_netherlands_not_eligible_and_eligible()
    {
        using var t = new PipelineTranscript("fr", "fr-BE");
        t.Send("bonjour").Says("lang.prompt");
        t.Send("Français").Says("consent.short");
        t.Send("oui").Says("menu.prompt");
        t.Send("2");
        t.Send("Pays-Bas").Says("q.status");
        t.Send("3").Says("q.destination");
        t.Send("1").Says("q.means");
        t.Send("non").Says("q.previous_return");
        t.Send("oui").Says("q.travel_document");
        t.Send("1").Says("q.health");
        t.Send("non");
        t.Send("non");
        t.Send("non").Says("outcome.likely_not_eligible", ("programme", t.S("programme.nl.name")));
        t.Send("non").Says("handoff.declined");

        t.Send("2");
        t.Send("Pays-Bas");
        t.Send("3");
        t.Send("1");
        t.Send("non");
        t.Send("non").Says("q.travel_document");
        t.Send("Non, mais je peux en obtenir un");
        t.Send("non");
        t.Send("non");
        t.Send("non").Says("outcome.likely_eligible", ("programme", t.S("programme.nl.name")));
        t.Send("oui").Says("case.until_then");
        Assert.Equal(1, t.Cases(urgency: 0));
    }

    [Fact]
    public void Arabic_germany_dont_know_gives_an_unclear_outcome()
    {
        using var t = new PipelineTranscript("ar", "ar");
        t.Send("السلام عليكم").Says("lang.prompt");
        t.Send("العربية").Says("consent.short");
        t.Send("نعم").Says("menu.prompt");
        t.Send("٢").Says("q.host_country");
        t.Send("ألمانيا").Says("q.status");
        t.Send("لا أعرف").Says("q.destination");
        t.Send("١").Says("q.eu_national");
        t.Send("لا").Says("q.means");
        t.Send("لا أعرف").Says("q.prison");
        t.Send("لا").Says("q.household_size");
        t.Send("٢").Says("q.departure_deadline");
        t.Send("لا أعرف").Says("q.health");
        t.Send("لا");
        t.Send("لا");
        t.Send("لا").Says("outcome.unclear", ("programme", t.S("programme.de.name")));
    }

    [Fact]
    public void Farsi_consent_declined_then_language_switched_mid_questionnaire()
    {
        using var t = new PipelineTranscript("fa", "fa-IR");
        t.Send("سلام").Says("lang.prompt");
        t.Send("فارسی").Says("consent.short");
        t.Send("نه").Says("consent.declined");
        t.Send("۲").Says("check.needs_consent");
        t.Send("بله").Says("q.host_country");
        t.Send("آلمان").Says("q.status");
        t.Send("۱").Says("q.destination");
        t.Send("۱").Says("q.eu_national");
        t.Send("زبان").Says("lang.prompt");
        t.Language = "en";
        t.Send("English").Says("q.eu_national");
        t.Send("no").Says("q.means");
    }
}
