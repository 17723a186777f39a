using Avrr.Bot.Audit;
using Avrr.Bot.Turns;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Avrr.Bot.Admin.Pages;

/// <summary>
/// Unanswered questions: what people asked that no article answered, counted by language and nearest topic, so an
/// administrator knows which article or example question to add. The words are shown only on request, only those kept
/// with the person's consent, and every showing is audited.
/// </summary>
public sealed class QuestionsModel(UnansweredQuestions questions, AuditTrail audit) : PageModel
{
    public static readonly int[] Periods = [7, 30, 90];

    /// <summary>The most texts one page shows: enough to see a pattern, not a browsable archive of people's words.</summary>
    public const int MaxTexts = 50;

    public int Days { get; private set; } = 30;

    public IReadOnlyList<UnansweredCount> Counts { get; private set; } = [];

    public IReadOnlyList<UnansweredText>? Texts { get; private set; }

    public async Task OnGetAsync(int days = 30, bool words = false, CancellationToken ct = default)
    {
        Days = Periods.Contains(days) ? days : 30;
        Counts = await questions.CountsAsync(Days, ct);
        if (words)
        {
            Texts = await questions.TextsAsync(Days, MaxTexts, ct);
            await audit.WriteAsync(AdminSetup.Actor(User), "unanswered.read", "unanswered questions", $"{Texts.Count} kept questions of the last {Days} days shown", ct);
        }
    }
}
