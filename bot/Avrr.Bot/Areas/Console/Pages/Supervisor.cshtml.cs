using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Console.Pages;

/// <summary>Supervisors: load per counsellor, waiting and first-response times, the oldest unclaimed urgent case; kept live.</summary>
public sealed class SupervisorModel(CaseQueries queries) : PageModel
{
    public SupervisorView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => View = await queries.SupervisorAsync(ct);
}
