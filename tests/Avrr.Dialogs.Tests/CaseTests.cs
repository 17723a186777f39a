using System.Text.Json;

namespace Avrr.Dialogs.Tests;

/// <summary>
/// While the person waits for a counsellor or talks to one, only the owner speaks: the bot stays silent except for
/// what must work in every state. Notices about the case reach the person in their language.
/// </summary>
public sealed class CaseTests
{
    private static Transcript Waiting(string language = "English", string locale = "en-US", string code = "en")
    {
        var t = new Transcript(locale) { Language = code };
        t.Join();
        t.Send(language);
        t.Press("consent:yes");
        t.Press("menu:counsellor");
        Assert.Equal(CaseStatus.Waiting, t.Case);
        return t;
    }

    private static Transcript WithCounsellor()
    {
        var t = Waiting();
        t.Notify(new CaseNotice.Joined("Amira"));
        return t;
    }

    [Fact]
    public void Asking_for_a_counsellor_queues_a_case_with_its_reference_and_the_expected_wait()
    {
        var t = new Transcript { ExpectedWait = TimeSpan.FromMinutes(7.2) };
        t.Join();
        t.Send("English");
        t.Press("consent:yes");
        t.Send("counsellor").Says("case.queued", ("reference", Transcript.Reference)).Says("case.wait_minutes", ("minutes", "8")).Says("case.until_then");
        Assert.Empty(t.Choices);
    }

    [Fact]
    public void Out_of_office_hours_the_person_is_told_when_counsellors_work()
    {
        var t = new Transcript();
        t.Join();
        t.Send("English");
        t.Press("consent:yes");
        // Saturday 28 November 2026, 15:00 in Brussels.
        t.At(new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero));
        t.Send("counsellor").Says("case.queued", ("reference", Transcript.Reference)).Says("case.out_of_hours", ("hours", t.S("service.hours"))).DoesNotSay("case.wait_unknown");
    }

    [Fact]
    public void While_waiting_ordinary_messages_get_no_reply_and_asking_again_repeats_the_reference()
    {
        var t = Waiting();

        t.Send("Hello, are you there?");
        Assert.Empty(t.Last.Replies);
        Assert.True(t.Last.KeepTranscript);
        t.Send("counsellor").Says("case.already", ("reference", Transcript.Reference));
        t.Press("menu:learn");
        Assert.Empty(t.Last.Replies);
        Assert.Single(t.Signals.OfType<HandoffRequested>());
    }

    [Fact]
    public void While_waiting_a_disclosure_escalates_instead_of_opening_another_case()
    {
        var t = Waiting();

        t.Send("he hits me").Says("safeguarding.message", ("emergency", t.S("safeguarding.generic_emergency")), ("contacts", ""));
        var urgent = Assert.Single(t.Last.Signals.OfType<HandoffRequested>());
        Assert.Equal(HandoffUrgency.Urgent, urgent.Urgency);
        Assert.Equal(CaseStatus.Waiting, t.Case);
        Assert.Empty(t.Choices);
        using var summary = JsonDocument.Parse(urgent.CaseSummaryJson);
        Assert.Equal("he hits me", summary.RootElement.GetProperty("flags")[0].GetProperty("message").GetString());
    }

    [Fact]
    public void Language_can_be_changed_in_every_state_and_the_bot_falls_silent_again()
    {
        var t = WithCounsellor();

        t.Send("language").Says("lang.prompt");
        t.Press("lang:fr");
        t.Language = "fr";
        t.Says("lang.changed").DoesNotSay("menu.prompt");
        Assert.Equal("fr", t.Last.Language);
        t.Send("merci");
        Assert.Empty(t.Last.Replies);
    }

    [Fact]
    public void An_unanswered_language_question_does_not_swallow_the_next_message()
    {
        var t = WithCounsellor();

        t.Send("language");
        t.Send("I have a passport");
        Assert.Empty(t.Last.Replies);
        t.Send("Français");
        Assert.Empty(t.Last.Replies);
    }

    [Fact]
    public void Ordinary_messages_get_no_reply_from_the_bot_and_are_kept_for_the_counsellor()
    {
        var t = WithCounsellor();

        t.Send("Hello, I have a question about my documents");

        Assert.Empty(t.Last.Replies);
        Assert.Empty(t.Last.Signals);
        Assert.True(t.Last.KeepTranscript);
        t.Send("counsellor");
        Assert.Empty(t.Last.Replies);
    }

    [Fact]
    public void Delete_my_data_asks_first_then_erases()
    {
        var t = WithCounsellor();

        t.Send("delete my data").Says("data.delete_confirm");
        t.Send("yes").Says("data.deleted");

        Assert.Contains(t.Signals, s => s is EraseRequested);
        Assert.False(t.Last.KeepTranscript);
    }

    [Fact]
    public void Declining_the_deletion_keeps_everything_and_the_bot_falls_silent_again()
    {
        var t = WithCounsellor();

        t.Send("delete my data");
        t.Send("no").Says("data.kept").DoesNotSay("menu.prompt");
        t.Send("thank you");

        Assert.Empty(t.Last.Replies);
        Assert.DoesNotContain(t.Signals, s => s is EraseRequested);
    }

    [Fact]
    public void Stop_and_a_disclosure_still_work()
    {
        var t = WithCounsellor();

        t.Send("he hits me").Says("safeguarding.message", ("emergency", t.S("safeguarding.generic_emergency")), ("contacts", ""));
        Assert.Contains(t.Last.Signals, s => s is HandoffRequested { Urgency: HandoffUrgency.Urgent });
        t.Send("stop").Says("stop.confirm");
        Assert.Contains(t.Last.Signals, s => s is OptedOut);
    }

    [Fact]
    public void Every_change_of_owner_is_told_in_the_persons_language()
    {
        var t = Waiting("العربية", "ar-SA", "ar");

        t.Notify(new CaseNotice.Joined("Amira")).Says("case.joined", ("name", "Amira")).IsRightToLeft(true);
        t.Notify(new CaseNotice.Transferred("Jonas")).Says("case.transferred", ("name", "Jonas"));
        t.Notify(new CaseNotice.Left()).Says("case.left");
        Assert.Equal(CaseStatus.Waiting, t.Case);
        t.Notify(new CaseNotice.Closed(Transcript.Reference)).Says("case.closed", ("reference", Transcript.Reference));
        Assert.NotEmpty(t.Choices);
    }

    [Fact]
    public void Handed_back_at_the_menu_the_bot_speaks_again()
    {
        var t = WithCounsellor();

        t.Notify(new CaseNotice.HandedBack(ResumePoints.Menu)).Says("case.handed_back").Says("menu.prompt");
        t.Press("menu:learn").Says("learn.prompt");
        t.Send("counsellor").Says("case.queued", ("reference", Transcript.Reference));
        Assert.Equal(2, t.Signals.OfType<HandoffRequested>().Count());
    }

    [Fact]
    public void Handed_back_into_the_check_it_goes_on_at_the_first_open_question()
    {
        var t = new Transcript();
        t.Join();
        t.Send("English");
        t.Press("consent:yes");
        t.Send("2");
        t.Send("Germany").Says("q.status");
        t.Send("counsellor");
        t.Notify(new CaseNotice.Joined("Amira"));

        t.Notify(new CaseNotice.HandedBack(ResumePoints.Check)).Says("case.handed_back").Says("q.status");
        t.Send("1").Says("q.destination");
    }

    [Fact]
    public void Handed_back_at_one_question_it_is_asked_again()
    {
        var t = new Transcript();
        t.Join();
        t.Send("English");
        t.Press("consent:yes");
        t.Send("2");
        t.Send("Germany");
        t.Send("1").Says("q.destination");
        t.Send("counsellor");
        t.Notify(new CaseNotice.Joined("Amira"));

        t.Notify(new CaseNotice.HandedBack(ResumePoints.QuestionPrefix + "status")).Says("q.status");
    }

    [Fact]
    public void Without_consent_the_summary_keeps_the_flag_but_not_the_words()
    {
        var t = new Transcript();
        t.Join();
        t.Send("English");
        t.Press("consent:no");
        t.Send("they took my passport and forced me to work");

        var handoff = Assert.Single(t.Signals.OfType<HandoffRequested>());
        using var summary = JsonDocument.Parse(handoff.CaseSummaryJson);
        var flag = Assert.Single(summary.RootElement.GetProperty("flags").EnumerateArray());
        Assert.False(flag.TryGetProperty("message", out _));
        Assert.DoesNotContain("passport", handoff.CaseSummaryJson, StringComparison.Ordinal);
    }
}
