using Avrr.Bot.Knowledge;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Admin.Pages;

public sealed class DraftModel(KnowledgeStore store) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Path { get; set; }

    public DraftView View { get; private set; } = null!;
    public IReadOnlyList<ContentDiagnostic> Errors { get; private set; } = [];
    public IReadOnlyList<FileDiff> Diff { get; private set; } = [];
    public IReadOnlyList<LanguageInfo> Languages { get; private set; } = [];
    public string? FileText { get; private set; }
    public bool IsNewFile { get; private set; }
    public bool RequiresSecondApproval => store.RequiresSecondApproval;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try
        {
            await LoadAsync(ct);
            return Page();
        }
        catch (KnowledgeEditException)
        {
            return NotFound();
        }
    }

    public async Task<IActionResult> OnPostSaveAsync(string path, string text, CancellationToken ct) =>
        await Act(() => store.SaveFileAsync(Id, path, text, AdminSetup.Actor(User), ct), $"Saved {path}.", $"?path={Uri.EscapeDataString(path)}");

    public async Task<IActionResult> OnPostDeleteAsync(string path, CancellationToken ct) =>
        await Act(() => store.SaveFileAsync(Id, path, null, AdminSetup.Actor(User), ct), $"Deleted {path} in this draft.");

    public async Task<IActionResult> OnPostPublishAsync(string? note, CancellationToken ct)
    {
        Persistence.KnowledgeVersionRecord? published = null;
        return await Act(async () => published = await store.PublishAsync(Id, AdminSetup.Actor(User), string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct),
            () => published is { } version ? $"Published as version {version.Label}. New conversations use it now." : "Submitted: another administrator must approve it before it is published.");
    }

    public async Task<IActionResult> OnPostDiscardAsync(CancellationToken ct) =>
        await Act(() => store.DiscardAsync(Id, AdminSetup.Actor(User), ct), "Draft discarded.");

    private Task<IActionResult> Act(Func<Task> action, string message, string query = "") => Act(action, () => message, query);

    private async Task<IActionResult> Act(Func<Task> action, Func<string> message, string query = "")
    {
        try
        {
            await action();
            TempData["Message"] = message();
        }
        catch (KnowledgeEditException ex)
        {
            TempData["Message"] = ex.Message + (ex.Diagnostics.Count > 0 ? $" ({ex.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)} problems are listed below.)" : "");
        }

        return Redirect($"/admin/drafts/{Id}{query}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        View = await store.DraftAsync(Id, ct);
        var (_, diagnostics) = KnowledgeLoader.Load(View.Files);
        Errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Diff = KnowledgeStore.Diff(ContentSet.Deserialize(View.Base.Files), View.Files);
        Languages = KnowledgeLoader.Review(View.Files).Languages;
        FileText = Path is not null && View.Files.TryGetValue(Path, out var text) ? text : null;
        if (FileText is null && Path is not null && ContentSet.IsValidPath(Path))
        {
            // A path that does not exist yet: an empty editor creates it.
            FileText = "";
            IsNewFile = true;
        }
        else if (FileText is null)
        {
            Path = null;
        }
    }
}
