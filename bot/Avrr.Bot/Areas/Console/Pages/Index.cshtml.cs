using Avrr.Bot.Cases;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Console.Pages;

/// <summary>
/// The console: the queue beside the open case, in one page, so that the sound switched on at sign-in stays on
/// (browsers allow audio only after a click in the same page). /console/cases/{reference} opens with that case.
/// </summary>
public sealed class IndexModel(IKnowledgeSource knowledge) : PageModel
{
    public string? Reference { get; private set; }

    public IReadOnlyList<LanguageInfo> Languages { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> Programmes { get; private set; } = [];

    public bool Supervises { get; private set; }

    public void OnGet(string? reference)
    {
        Reference = reference is null ? null : CaseReferences.Normalize(reference);
        var snapshot = knowledge.Current;
        Languages = snapshot.Languages;
        Programmes = snapshot.HostCountries.Select(c => (c.ProgrammeId, snapshot.Text(c.NameKey, snapshot.SourceLanguage).Text)).ToList();
        Supervises = User.IsInRole(Bot.Staff.StaffRoles.Supervisor);
    }
}
