using Avrr.Bot.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Admin.Pages;

public sealed class DiffModel(KnowledgeStore store) : PageModel
{
    public IReadOnlyList<FileDiff> Files { get; private set; } = [];
    public string FromLabel { get; private set; } = "";
    public string ToLabel { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(long from, long to, CancellationToken ct)
    {
        try
        {
            FromLabel = (await store.VersionAsync(from, ct)).Label;
            ToLabel = (await store.VersionAsync(to, ct)).Label;
            Files = await store.DiffVersionsAsync(from, to, ct);
            return Page();
        }
        catch (KnowledgeEditException)
        {
            return NotFound();
        }
    }
}
