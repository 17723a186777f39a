using System.Text;
using Avrr.Bot.Audit;
using Avrr.Bot.Knowledge;
using Avrr.Bot.Persistence;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Admin;

/// <summary>The administrators' content workflow against the real store: drafts, publish, approval, rollback, import, export.</summary>
public sealed class KnowledgeWorkflowTests : IDisposable
{
    private const string Admin = "admin@example.org";
    private const string Second = "second@example.org";
    private readonly BotFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private KnowledgeStore Store => _factory.Services.GetRequiredService<KnowledgeStore>();

    private IKnowledgeSource Knowledge => _factory.Services.GetRequiredService<IKnowledgeSource>();

    private static string ArabicStages(IKnowledgeSnapshot snapshot) => snapshot.FindArticle("stages", "ar")!.BodyMarkdown;

    [Fact]
    public async Task The_shipped_content_is_the_first_published_version()
    {
        var versions = await Store.VersionsAsync(CancellationToken.None);

        var version = Assert.Single(versions);
        Assert.Equal("2026.12.1", version.Label);
        Assert.Equal("2026.12.1", Knowledge.Current.Version);
        Assert.Equal(KnowledgeStartup.SystemActor, version.CreatedBy);
    }

    [Fact]
    public async Task A_published_draft_is_current_at_once_while_the_earlier_version_stays_available_and_rollback_restores_it()
    {
        var before = Knowledge.Current;
        var draft = await Store.CreateDraftAsync("Arabic wording", Admin, CancellationToken.None);
        var source = before.FindArticle("stages", "en")!;
        // A translation keeps its source's numbered stages: one that dropped them could not be published.
        const string body = "نص جديد.\n\n1. قبل المغادرة\n2. الرحلة\n3. بعد الوصول";
        await Store.SetArticleAsync(draft, "ar", "stages", "المراحل الثلاث", body, reviewed: true, Admin, CancellationToken.None);

        Assert.Equal(before.Version, Knowledge.Current.Version);
        var preview = await Store.PreviewSnapshotAsync(draft, CancellationToken.None);
        Assert.Equal(body, ArabicStages(preview));

        var published = await Store.PublishAsync(draft, Admin, "reworded", CancellationToken.None);

        Assert.NotNull(published);
        Assert.Equal("2026.12.1-r2", published.Label);
        Assert.Equal(body, ArabicStages(Knowledge.Current));
        Assert.Equal(ArabicStages(before), ArabicStages(Knowledge.Find(before.Version)!));
        Assert.Equal(source.BodyMarkdown, Knowledge.Current.FindArticle("stages", "en")!.BodyMarkdown);

        var diff = await Store.DiffVersionsAsync(1, published.Id, CancellationToken.None);
        var file = Assert.Single(diff);
        Assert.Equal("articles/ar/stages.md", file.Path);
        Assert.Contains(file.Lines, l => l.Kind == DiffLineKind.Added && l.Text == "نص جديد.");

        await Store.RollbackAsync(1, Admin, CancellationToken.None);

        Assert.Equal(before.Version, Knowledge.Current.Version);
        Assert.Equal(ArabicStages(before), ArabicStages(Knowledge.Current));
        var audit = await _factory.Services.GetRequiredService<AuditTrail>().LatestAsync(50, CancellationToken.None);
        Assert.Equal(["version.rollback", "draft.publish", "translation.review", "draft.create"], audit.Where(a => a.Actor == Admin).Select(a => a.Action));
    }

    [Fact]
    public async Task A_draft_with_errors_is_not_published_and_nothing_changes()
    {
        var before = Knowledge.Current.Version;
        var draft = await Store.CreateDraftAsync("Broken rule", Admin, CancellationToken.None);
        var files = (await Store.DraftAsync(draft, CancellationToken.None)).Files;
        await Store.SaveFileAsync(draft, "programmes/de.yaml", files["programmes/de.yaml"].Replace("prison", "jail", StringComparison.Ordinal), Admin, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<KnowledgeEditException>(() => Store.PublishAsync(draft, Admin, null, CancellationToken.None));

        Assert.Contains(refused.Diagnostics, d => d.File == "programmes/de.yaml" && d.Message.Contains("jail", StringComparison.Ordinal));
        Assert.Equal(before, Knowledge.Current.Version);
        Assert.Single(await Store.VersionsAsync(CancellationToken.None));
        Assert.Equal(DraftStatus.Open, (await Store.DraftAsync(draft, CancellationToken.None)).Record.Status);
    }

    [Fact]
    public async Task Paths_outside_the_content_layout_are_refused()
    {
        var draft = await Store.CreateDraftAsync("Sneaky", Admin, CancellationToken.None);

        foreach (var path in new[] { "../appsettings.json", "/etc/passwd.yaml", "strings/../../x.yaml", "strings/x.exe" })
        {
            await Assert.ThrowsAsync<KnowledgeEditException>(() => Store.SaveFileAsync(draft, path, "x: 1", Admin, CancellationToken.None));
        }
    }

    [Fact]
    public async Task With_second_approval_required_the_submitter_cannot_publish_alone()
    {
        using var factory = new BotFactory().With("Knowledge:RequireSecondApproval", "true");
        var store = factory.Services.GetRequiredService<KnowledgeStore>();
        var knowledge = factory.Services.GetRequiredService<IKnowledgeSource>();
        var draft = await store.CreateDraftAsync("Dutch greeting", Admin, CancellationToken.None);
        await store.SetStringAsync(draft, "nl", "menu.prompt", "Wat wilt u nu doen?", reviewed: true, Admin, CancellationToken.None);

        Assert.Null(await store.PublishAsync(draft, Admin, null, CancellationToken.None));
        Assert.Equal(DraftStatus.AwaitingApproval, (await store.DraftAsync(draft, CancellationToken.None)).Record.Status);
        await Assert.ThrowsAsync<KnowledgeEditException>(() => store.PublishAsync(draft, Admin, null, CancellationToken.None));
        Assert.NotEqual("Wat wilt u nu doen?", knowledge.Current.Text("menu.prompt", "nl").Text);

        var version = await store.PublishAsync(draft, Second, null, CancellationToken.None);

        Assert.NotNull(version);
        Assert.Equal("Wat wilt u nu doen?", knowledge.Current.Text("menu.prompt", "nl").Text);
        Assert.Contains(await factory.Services.GetRequiredService<AuditTrail>().LatestAsync(10, CancellationToken.None), a => a.Actor == Second && a.Action == "draft.approve_publish");
    }

    [Fact]
    public async Task A_draft_whose_files_changed_in_a_later_version_is_refused_but_other_files_merge()
    {
        var first = await Store.CreateDraftAsync("First", Admin, CancellationToken.None);
        var second = await Store.CreateDraftAsync("Second", Admin, CancellationToken.None);
        var third = await Store.CreateDraftAsync("Third", Admin, CancellationToken.None);
        await Store.SetStringAsync(first, "fr", "menu.prompt", "Que souhaitez-vous faire ?", true, Admin, CancellationToken.None);
        await Store.SetStringAsync(second, "fr", "menu.learn", "Le retour volontaire, en bref", true, Admin, CancellationToken.None);
        await Store.SetStringAsync(third, "de", "menu.prompt", "Was möchten Sie jetzt tun?", true, Admin, CancellationToken.None);
        await Store.PublishAsync(first, Admin, null, CancellationToken.None);

        await Assert.ThrowsAsync<KnowledgeEditException>(() => Store.PublishAsync(second, Admin, null, CancellationToken.None));
        await Store.PublishAsync(third, Admin, null, CancellationToken.None);

        Assert.Equal("Que souhaitez-vous faire ?", Knowledge.Current.Text("menu.prompt", "fr").Text);
        Assert.Equal("Was möchten Sie jetzt tun?", Knowledge.Current.Text("menu.prompt", "de").Text);
    }

    [Fact]
    public async Task An_exported_version_imports_as_a_draft_of_its_differences()
    {
        var zip = await Store.ExportAsync(1, CancellationToken.None);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip)))
        {
            foreach (var entry in archive.Entries)
            {
                using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                files[entry.FullName] = await reader.ReadToEndAsync();
            }
        }

        Assert.Equal(KnowledgeLoader.ReadDirectory(Path.Combine(AppContext.BaseDirectory, "knowledge", "content")).Keys.Order(), files.Keys.Order());

        // As from git: the content folder inside a checkout, with one rule changed.
        using var edited = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(edited, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, text) in files)
            {
                var entry = archive.CreateEntry("repo/knowledge/content/" + path);
                await using var writer = new StreamWriter(entry.Open(), Encoding.UTF8);
                await writer.WriteAsync(path == "programmes/de.yaml" ? text.Replace("last_verified: 2026-12-02", "last_verified: 2026-11-20", StringComparison.Ordinal) : text);
            }
        }

        edited.Position = 0;
        var draft = await Store.ImportAsync(edited, Admin, CancellationToken.None);

        var view = await Store.DraftAsync(draft, CancellationToken.None);
        Assert.Equal(["programmes/de.yaml"], view.Changes.Keys);
        await Assert.ThrowsAsync<KnowledgeEditException>(() => Store.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes("not a zip")), Admin, CancellationToken.None));
    }

    [Fact]
    public async Task A_version_published_on_one_instance_becomes_current_on_another()
    {
        using var other = new BotFactory(_factory.DataDirectory).With("Knowledge:RefreshSeconds", "1");
        var otherKnowledge = other.Services.GetRequiredService<IKnowledgeSource>();
        Assert.Equal("2026.12.1", otherKnowledge.Current.Version);

        var draft = await Store.CreateDraftAsync("Turkish", Admin, CancellationToken.None);
        await Store.SetStringAsync(draft, "tr", "menu.prompt", "Şimdi ne yapmak istersiniz?", true, Admin, CancellationToken.None);
        var version = await Store.PublishAsync(draft, Admin, null, CancellationToken.None);

        for (var attempt = 0; attempt < 100 && otherKnowledge.Current.Version != version!.Label; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(version!.Label, otherKnowledge.Current.Version);
        Assert.Equal("Şimdi ne yapmak istersiniz?", otherKnowledge.Current.Text("menu.prompt", "tr").Text);
    }

    [Fact]
    public async Task Changed_shipped_files_publish_on_restart_unless_administrators_published_their_own_changes()
    {
        var content = Path.Combine(_factory.DataDirectory, "content");
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "knowledge", "content"), content);
        using (var first = new BotFactory(_factory.DataDirectory).With("Knowledge:ContentPath", content))
        {
            Assert.Equal("2026.12.1", first.Services.GetRequiredService<IKnowledgeSource>().Current.Version);
        }

        Edit(content, "programmes/cy.yaml", "last_verified: 2026-12-02", "last_verified: 2026-11-21");
        using (var second = new BotFactory(_factory.DataDirectory).With("Knowledge:ContentPath", content))
        {
            var store = second.Services.GetRequiredService<KnowledgeStore>();
            Assert.Equal("2026.12.1-r2", second.Services.GetRequiredService<IKnowledgeSource>().Current.Version);
            var draft = await store.CreateDraftAsync("Admin change", Admin, CancellationToken.None);
            await store.SetStringAsync(draft, "es", "menu.prompt", "¿Qué quiere hacer ahora?", true, Admin, CancellationToken.None);
            await store.PublishAsync(draft, Admin, null, CancellationToken.None);
        }

        Edit(content, "programmes/cy.yaml", "last_verified: 2026-11-21", "last_verified: 2026-11-22");
        using var third = new BotFactory(_factory.DataDirectory).With("Knowledge:ContentPath", content);
        var knowledge = third.Services.GetRequiredService<IKnowledgeSource>();
        Assert.Equal("¿Qué quiere hacer ahora?", knowledge.Current.Text("menu.prompt", "es").Text);
        var drafts = await third.Services.GetRequiredService<KnowledgeStore>().DraftsAsync(CancellationToken.None);
        var shipped = Assert.Single(drafts, d => d.CreatedBy == KnowledgeStartup.SystemActor);
        Assert.Contains("programmes/cy.yaml", (await third.Services.GetRequiredService<KnowledgeStore>().DraftAsync(shipped.Id, CancellationToken.None)).Changes.Keys);
    }

    private static void Edit(string root, string file, string from, string to)
    {
        var path = Path.Combine(root, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
