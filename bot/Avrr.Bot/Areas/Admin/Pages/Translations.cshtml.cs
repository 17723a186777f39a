using Avrr.Bot.Knowledge;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Admin.Pages;

public sealed class TranslationsModel(KnowledgeStore store) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    [BindProperty(SupportsGet = true, Name = "language")]
    public string LanguageCode { get; set; } = "";

    [BindProperty(SupportsGet = true, Name = "all")]
    public bool ShowAll { get; set; }

    public LanguageInfo Language { get; private set; } = null!;
    public IReadOnlyList<ReviewEntry> Strings { get; private set; } = [];
    public IReadOnlyList<ReviewEntry> Articles { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        DraftView view;
        try
        {
            view = await store.DraftAsync(Id, ct);
        }
        catch (KnowledgeEditException)
        {
            return NotFound();
        }

        var review = KnowledgeLoader.Review(view.Files);
        if (review.Languages.FirstOrDefault(l => l.Code == LanguageCode) is not { } language || language.Code == review.SourceLanguage)
        {
            return NotFound();
        }

        Language = language;
        var entries = review.For(LanguageCode).Where(e => ShowAll || e.State != TranslationState.Reviewed).ToList();
        Strings = entries.Where(e => e.Kind == ReviewEntryKind.UiString).ToList();
        // Articles are always listed: they are few, and their translation is what readers see most.
        Articles = review.For(LanguageCode).Where(e => e.Kind == ReviewEntryKind.Article).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostStringAsync(string key, string? text, bool approveOnly, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            TempData["Message"] = $"'{key}' was not saved: the translation is empty.";
            return Back($"#string-{key.Replace('.', '-')}");
        }

        return await Act(() => store.SetStringAsync(Id, LanguageCode, key, text.Trim(), reviewed: true, AdminSetup.Actor(User), ct),
            approveOnly ? $"Approved '{key}'." : $"Saved '{key}'.", $"#string-{key.Replace('.', '-')}");
    }

    public async Task<IActionResult> OnPostArticleAsync(string key, string? title, string? body, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(body))
        {
            TempData["Message"] = $"Article '{key}' was not saved: it needs a title and a text.";
            return Back($"#article-{key}");
        }

        return await Act(() => store.SetArticleAsync(Id, LanguageCode, key, title, body, reviewed: true, AdminSetup.Actor(User), ct), $"Saved article '{key}'.", $"#article-{key}");
    }

    private async Task<IActionResult> Act(Func<Task> action, string message, string anchor)
    {
        try
        {
            await action();
            TempData["Message"] = message;
        }
        catch (KnowledgeEditException ex)
        {
            TempData["Message"] = ex.Message;
        }

        return Back(anchor);
    }

    private RedirectResult Back(string anchor) => Redirect($"/admin/drafts/{Id}/translations/{Uri.EscapeDataString(LanguageCode)}{(ShowAll ? "?all=true" : "")}{anchor}");
}
