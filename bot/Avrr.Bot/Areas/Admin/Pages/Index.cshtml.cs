using Avrr.Bot.Knowledge;
using Avrr.Bot.Persistence;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Admin.Pages;

public sealed class IndexModel : PageModel
{
    private readonly KnowledgeStore _store;
    private readonly PublishedKnowledge _published;

    public IndexModel(KnowledgeStore store, PublishedKnowledge published)
    {
        _store = store;
        _published = published;
    }

    public IReadOnlyList<KnowledgeDraftRecord> Drafts { get; private set; } = [];
    public IReadOnlyList<KnowledgeVersionRecord> Versions { get; private set; } = [];
    public ContentReview Review { get; private set; } = null!;
    public long CurrentId { get; private set; }
    public string CurrentLabel { get; private set; } = "";
    public bool RequiresSecondApproval => _store.RequiresSecondApproval;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Drafts = (await _store.DraftsAsync(ct)).Where(d => d.Status is DraftStatus.Open or DraftStatus.AwaitingApproval).ToList();
        Versions = await _store.VersionsAsync(ct);
        CurrentId = _published.CurrentId;
        CurrentLabel = _published.Current.Version;
        Review = KnowledgeLoader.Review(ContentSet.Deserialize((await _store.VersionAsync(CurrentId, ct)).Files));
    }

    public async Task<IActionResult> OnPostCreateAsync(string title, CancellationToken ct)
    {
        var id = await _store.CreateDraftAsync(title, AdminSetup.Actor(User), ct);
        return Redirect($"/admin/drafts/{id}");
    }

    public async Task<IActionResult> OnPostRollbackAsync(long versionId, CancellationToken ct)
    {
        await _store.RollbackAsync(versionId, AdminSetup.Actor(User), ct);
        TempData["Message"] = $"Version {_published.Current.Version} is current again. Running conversations keep their version.";
        return Redirect("/admin");
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? archive, CancellationToken ct)
    {
        if (archive is null || archive.Length == 0)
        {
            TempData["Message"] = "Choose a zip file to import.";
            return Redirect("/admin");
        }

        try
        {
            await using var stream = archive.OpenReadStream();
            var id = await _store.ImportAsync(stream, AdminSetup.Actor(User), ct);
            return Redirect($"/admin/drafts/{id}");
        }
        catch (KnowledgeEditException ex)
        {
            TempData["Message"] = "Import refused: " + ex.Message;
            return Redirect("/admin");
        }
    }
}
