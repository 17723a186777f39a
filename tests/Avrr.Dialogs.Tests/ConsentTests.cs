using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Tests;

public sealed class ConsentTests
{
    private sealed class Switchable(IKnowledgeSnapshot first) : IKnowledgeSource
    {
        public IKnowledgeSnapshot Current { get; set; } = first;

        // Old versions are gone, as after a rollback or a clean-up: conversations move to the current one.
        public IKnowledgeSnapshot? Find(string version) => version == Current.Version ? Current : null;
    }

    [Fact]
    public void A_changed_privacy_notice_asks_for_consent_again_and_records_the_new_version()
    {
        var files = KnowledgeLoader.ReadDirectory(Transcript.ContentPath()).ToDictionary();
        var source = new Switchable(KnowledgeLoader.Load(files).Snapshot!);
        var t = new Transcript { Engine = new IntakeEngine(source) };
        t.Join();
        t.Send("English");
        t.Send("yes").Says("menu.prompt");
        var firstVersion = System.Text.Json.JsonDocument.Parse(t.State!).RootElement.GetProperty("c").GetProperty("v").GetString();

        // A new notice: English changed, translations made stale would fail validation, so only English is offered here.
        files["content.yaml"] = files["content.yaml"].Replace("2026.12.1", "2026.12.2", StringComparison.Ordinal);
        files["strings/en.yaml"] = files["strings/en.yaml"].Replace("days at most, and you can delete them", "days at most and never shared, and you can delete them", StringComparison.Ordinal);
        foreach (var translation in files.Keys.Where(k => k.StartsWith("strings/", StringComparison.Ordinal) && k != "strings/en.yaml").ToList())
        {
            files.Remove(translation);
        }

        files["content.yaml"] = string.Join('\n', files["content.yaml"].Split('\n').Where(l => !l.Contains("code:", StringComparison.Ordinal) || l.Contains("code: en", StringComparison.Ordinal)));
        var (updated, diagnostics) = KnowledgeLoader.Load(files.Where(f => !f.Key.StartsWith("articles/", StringComparison.Ordinal) || f.Key.StartsWith("articles/en/", StringComparison.Ordinal)).ToDictionary());
        source.Current = updated ?? throw new InvalidOperationException(string.Join('\n', diagnostics));

        t.Send("menu").Says("consent.renew");
        Assert.Contains("never shared", t.Text, StringComparison.Ordinal);
        t.Send("yes").Says("menu.prompt");
        var secondVersion = System.Text.Json.JsonDocument.Parse(t.State!).RootElement.GetProperty("c").GetProperty("v").GetString();
        Assert.NotEqual(firstVersion, secondVersion);
    }

    [Fact]
    public void My_data_says_what_is_stored()
    {
        var t = new Transcript();
        t.Join();
        t.Send("English");
        t.Send("yes");
        t.Send("2");
        t.Send("Germany");
        t.Send("menu");
        t.Send("my data").Says("data.summary", ("items", string.Join("\n",
            "• " + t.S("data.item_language", ("language", "English")),
            "• " + t.S("data.item_consent_given", ("date", "2026-11-24")),
            "• " + t.S("data.item_messages"),
            "• " + t.S("data.item_answers", ("answers", t.S("q.host_country") + " " + t.S("country.DE"))))));
        Assert.Contains("30 days after your last message", t.Text, StringComparison.Ordinal);
        Assert.Contains(t.Choices, c => c.Value == "data:delete");
    }

    [Fact]
    public void My_data_names_the_address_kept_for_a_push_channel_the_request_for_a_counsellor_and_a_safety_note()
    {
        var t = new Transcript { Channel = "whatsapp" };
        t.Join();
        t.Send("English");
        t.Send("no");
        t.Send("counsellor");
        Assert.Equal(CaseStatus.Waiting, t.Case);
        t.Send("he hits me");
        t.Send("my data")
            .Says("data.item_consent_declined", ("date", "2026-11-24"))
            .Says("data.item_no_messages")
            .Says("data.item_flags")
            .Says("data.item_case_waiting")
            .Says("data.item_address_whatsapp")
            .DoesNotSay("data.item_messages");
    }

    [Fact]
    public void Without_consent_the_host_is_told_to_keep_nothing_and_with_it_to_keep_the_transcript()
    {
        var t = new Transcript();
        t.Join();
        Assert.False(t.Last.KeepTranscript);
        t.Send("English");
        t.Send("no");
        Assert.False(t.Last.KeepTranscript);
        t.Send("menu");
        Assert.False(t.Last.KeepTranscript);
        t.Press("menu:check");
        t.Press("consent:yes");
        Assert.True(t.Last.KeepTranscript);
    }

    [Fact]
    public void The_privacy_notice_states_the_configured_retention_periods()
    {
        var t = new Transcript { Engine = new IntakeEngine(Transcript.Knowledge, new DataTerms(7, 90)) };
        t.Join();
        t.Send("English");
        Assert.Contains("kept for 7 days at most", t.Text, StringComparison.Ordinal);
        t.Press("consent:more");
        Assert.Contains("7 days after your last message", t.Text, StringComparison.Ordinal);
        Assert.Contains("for 90 days after it is closed", t.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_translation_service_the_privacy_notice_and_the_queued_notice_say_so()
    {
        var t = new Transcript { Engine = new Intake.IntakeEngine(Transcript.Knowledge, DataTerms.Default with { MachineTranslation = true }) };
        t.Join();
        t.Send("English");
        t.Press("consent:more").Says("consent.full").Says("privacy.translation");
        t.Press("consent:yes");
        t.Send("counsellor").Says("case.until_then").Says("privacy.translation");

        var without = new Transcript();
        without.Join();
        without.Send("English");
        without.Press("consent:more").Says("consent.full");
        Assert.DoesNotContain(without.S("privacy.translation"), without.Text, StringComparison.Ordinal);
    }
}
