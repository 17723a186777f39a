using Avrr.Bot.Knowledge;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Admin.Pages;

public sealed class PreviewModel(KnowledgeStore store) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public IReadOnlyList<LanguageInfo> Languages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try
        {
            Languages = KnowledgeLoader.Review((await store.DraftAsync(Id, ct)).Files).Languages;
            return Page();
        }
        catch (KnowledgeEditException)
        {
            return NotFound();
        }
    }
}
