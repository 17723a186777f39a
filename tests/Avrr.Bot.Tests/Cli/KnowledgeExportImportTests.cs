using Avrr.Bot.Cli;
using Avrr.Bot.Knowledge;
using Avrr.Bot.Tests.Infrastructure;
using Avrr.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Avrr.Bot.Tests.Cli;

/// <summary>Content between the store and git: export a published version to a folder, import a folder as a draft.</summary>
public sealed class KnowledgeExportImportTests : IDisposable
{
    private readonly BotFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task An_exported_version_matches_the_files_and_an_edited_folder_imports_as_a_draft_of_its_changes()
    {
        _factory.CreateClient().Dispose();
        var folder = Path.Combine(_factory.DataDirectory, "content");
        Directory.CreateDirectory(Path.Combine(folder, "strings"));
        await File.WriteAllTextAsync(Path.Combine(folder, "strings", "xx.yaml"), "stale: file");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, await KnowledgeCommands.RunAsync(_factory.Services, ["knowledge", "export", folder], output, error));

        var shipped = KnowledgeLoader.ReadDirectory(Path.Combine(AppContext.BaseDirectory, "knowledge", "content"));
        var exported = KnowledgeLoader.ReadDirectory(folder);
        Assert.Equal(shipped.Keys.Order(), exported.Keys.Order());
        Assert.All(shipped, f => Assert.Equal(f.Value, exported[f.Key]));

        var contacts = Path.Combine(folder, "contacts", "cy.yaml");
        await File.WriteAllTextAsync(contacts, (await File.ReadAllTextAsync(contacts)).Replace("2026-12-02", "2026-11-27", StringComparison.Ordinal));
        Assert.Equal(0, await KnowledgeCommands.RunAsync(_factory.Services, ["knowledge", "import", folder], output, error));

        var draft = (await _factory.Services.GetRequiredService<KnowledgeStore>().DraftsAsync(default)).Single();
        Assert.Equal(["contacts/cy.yaml"], (await _factory.Services.GetRequiredService<KnowledgeStore>().DraftAsync(draft.Id, default)).Changes.Keys);
        Assert.Contains($"/admin/drafts/{draft.Id}", output.ToString(), StringComparison.Ordinal);

        Assert.Equal(1, await KnowledgeCommands.RunAsync(_factory.Services, ["knowledge", "export", folder, "--version", "1999.1"], output, error));
        Assert.Equal(2, await KnowledgeCommands.RunAsync(_factory.Services, ["knowledge", "import", _factory.DataDirectory], output, error));
    }
}
