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
        files["content.yaml"] = files["content.yaml"].Replace("2026.11.1", "2026.12.1", StringComparison.Ordinal);
        files["strings/en.yaml"] = files["strings/en.yaml"].Replace("kept for 30 days at most", "kept for 14 days at most", StringComparison.Ordinal);
        foreach (var translation in files.Keys.Where(k => k.StartsWith("strings/", StringComparison.Ordinal) && k != "strings/en.yaml").ToList())
        {
            files.Remove(translation);
        }

        files["content.yaml"] = string.Join('\n', files["content.yaml"].Split('\n').Where(l => !l.Contains("code:", StringComparison.Ordinal) || l.Contains("code: en", StringComparison.Ordinal)));
        var (updated, diagnostics) = KnowledgeLoader.Load(files.Where(f => !f.Key.StartsWith("articles/", StringComparison.Ordinal) || f.Key.StartsWith("articles/en/", StringComparison.Ordinal)).ToDictionary());
        source.Current = updated ?? throw new InvalidOperationException(string.Join('\n', diagnostics));

        t.Send("menu").Says("consent.renew");
        Assert.Contains("14 days", t.Text, StringComparison.Ordinal);
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
        t.Send("my data").Says("data.summary", ("items", string.Join(", ", t.S("data.item_language"), t.S("data.item_consent").Replace("{version}", System.Text.Json.JsonDocument.Parse(t.State!).RootElement.GetProperty("c").GetProperty("v").GetString(), StringComparison.Ordinal), "answers given: 1")));
    }
}
