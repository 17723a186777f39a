using Avrr.Bot.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Audit.Pages;

/// <summary>The audit trail for supervisors and administrators: filter, read, export as CSV (the export is audited too).</summary>
public sealed class AuditModel(AuditTrail trail, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Target { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public IReadOnlyList<AuditRecord> Entries { get; private set; } = [];

    private AuditFilter Filter => new(Actor?.Trim(), Action?.Trim(), Target?.Trim(), From, To);

    public async Task OnGetAsync(CancellationToken ct) => Entries = await trail.FindAsync(Filter, AuditTrail.PageSize, ct);

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var csv = await trail.CsvAsync(Filter, ct);
        await trail.WriteAsync(User.Identity?.Name ?? "unknown", "audit.export", "the audit trail",
            $"actor={Actor} action={Action} target={Target} from={From} to={To}", ct);
        return File(csv, "text/csv; charset=utf-8", $"avrr-audit-{time.GetUtcNow():yyyyMMdd-HHmm}.csv");
    }
}
