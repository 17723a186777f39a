using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Avrr.Bot.Turns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Admin.Pages;

/// <summary>Staff erasure on a person's request, and the retention periods in force.</summary>
public sealed class PrivacyModel(PersonalDataStore store, ConversationDirectory directory, StoreConnections connections, IOptions<PrivacyOptions> options) : PageModel
{
    public RetentionOptions Retention => options.Value.Retention;

    public KeptData? Found { get; private set; }

    public bool Searched { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostFindAsync(string channel, string address, CancellationToken ct)
    {
        Searched = true;
        var conversationId = channel switch
        {
            "conversation" => address.Trim(),
            "whatsapp" => await FindAsync("whatsapp", new string([.. address.Where(char.IsAsciiDigit)]), ct),
            "telegram" => await FindAsync("telegram", address.Trim(), ct),
            _ => null,
        };
        Found = conversationId is null ? null : await store.KeptAsync(conversationId, ct);
        // Looking someone up is itself an access to personal data: it is audited (without what was searched for).
        await store.AuditAsync(AdminSetup.Actor(User), "person.lookup", Found is null ? "nothing found" : "found a conversation", ct);
        return Page();
    }

    public async Task<IActionResult> OnPostEraseAsync(string conversationId, string? reason, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            TempData["Message"] = "Nothing was erased: confirm that it cannot be undone.";
            return RedirectToPage();
        }

        var erased = await store.EraseAsync(conversationId, AdminSetup.Actor(User), "staff erasure: " + (string.IsNullOrWhiteSpace(reason) ? "on request" : reason.Trim()), null, ct);
        TempData["Message"] = erased ? "The person's data was erased." : "Nothing was kept for that conversation any more.";
        return RedirectToPage();
    }

    private async Task<string?> FindAsync(string channel, string address, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await directory.FindAsync(connection, channel, address, ct);
    }
}
