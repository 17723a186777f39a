using Avrr.Dialogs.Intake;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Tests;

public sealed class ContentVersionTests
{
    /// <summary>Two published versions; the second changes the menu prompt.</summary>
    private sealed class TwoVersions : IKnowledgeSource
    {
        public TwoVersions()
        {
            var files = KnowledgeLoader.ReadDirectory(Transcript.ContentPath()).ToDictionary();
            Old = KnowledgeLoader.Load(files).Snapshot!;
            files["content.yaml"] = files["content.yaml"].Replace("2026.12.1", "2026.12.2", StringComparison.Ordinal);
            files["strings/fr.yaml"] = files["strings/fr.yaml"].Replace("Que voulez-vous faire ?", "Comment puis-je vous aider ?", StringComparison.Ordinal);
            var (snapshot, diagnostics) = KnowledgeLoader.Load(files);
            New = snapshot ?? throw new InvalidOperationException(string.Join('\n', diagnostics));
            Current = Old;
        }

        public IKnowledgeSnapshot Old { get; }

        public IKnowledgeSnapshot New { get; }

        public IKnowledgeSnapshot Current { get; set; }

        public IKnowledgeSnapshot? Find(string version) => version == Old.Version ? Old : version == New.Version ? New : null;
    }

    [Fact]
    public void A_running_conversation_keeps_its_content_version_and_a_new_one_gets_the_published_one()
    {
        var source = new TwoVersions();
        var running = new Transcript { Engine = new IntakeEngine(source) };
        running.Join();
        running.Send("Français");
        source.Current = source.New;

        running.Send("oui");
        Assert.Contains("Que voulez-vous faire ?", running.Text, StringComparison.Ordinal);

        var fresh = new Transcript { Engine = new IntakeEngine(source) };
        fresh.Join();
        fresh.Send("Français");
        fresh.Send("oui");
        Assert.Contains("Comment puis-je vous aider ?", fresh.Text, StringComparison.Ordinal);

        // After "restart" the running conversation moves to the published version.
        running.Send("recommencer");
        running.Send("oui");
        Assert.Contains("Comment puis-je vous aider ?", running.Text, StringComparison.Ordinal);
    }
}
