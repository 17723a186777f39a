using Avrr.Bot.Knowledge;
using Avrr.Bot.Persistence;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Pages.Admin;

public sealed class AuditModel(KnowledgeStore store) : PageModel
{
    public IReadOnlyList<AuditRecord> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Entries = await store.AuditAsync(500, ct);
}
