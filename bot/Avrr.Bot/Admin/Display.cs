using Avrr.Bot.Persistence;
using Avrr.Knowledge;

namespace Avrr.Bot.Admin;

/// <summary>How the admin pages show the states of drafts and translations.</summary>
public static class Display
{
    public static string Status(DraftStatus status) => status switch
    {
        DraftStatus.Open => "open",
        DraftStatus.AwaitingApproval => "waiting for a second administrator",
        DraftStatus.Published => "published",
        _ => "discarded",
    };

    public static string State(TranslationState state) => state switch
    {
        TranslationState.Missing => "missing",
        TranslationState.Stale => "stale: the English changed",
        TranslationState.NeedsReview => "needs review (machine-assisted)",
        _ => "reviewed",
    };
}
