using System.Globalization;
using Avrr.Dialogs;

namespace Avrr.Bot.Tests.Infrastructure;

/// <summary>
/// A dialog engine for pipeline tests: it counts turns in its state and echoes, so tests can see order and lost
/// updates exactly. The product engine is tested in Avrr.Dialogs.Tests and end to end elsewhere.
/// </summary>
internal sealed class EchoEngine : IDialogEngine
{
    public TurnResult Run(string? state, TurnInput input)
    {
        var count = state is null ? 0 : int.Parse(state, CultureInfo.InvariantCulture);
        count++;
        var text = input.Text is null ? "welcome" : $"echo {count}: {input.Text}";
        var choices = input.Text is null ? new[] { new ReplyChoice("hello", "Hello") } : [];
        var rtl = input.ChannelLocale?.StartsWith("ar", StringComparison.Ordinal) == true;
        if (input.Case != CaseStatus.None)
        {
            // Like the intake: while a counsellor is asked for or owns the chat, ordinary messages get no reply from the bot.
            return new TurnResult(count.ToString(CultureInfo.InvariantCulture), [], [], true);
        }

        return new TurnResult(count.ToString(CultureInfo.InvariantCulture), [new Reply(text, choices, rtl ? "ar" : "en", rtl)], [], true);
    }

    /// <summary>Says which notice it was (e.g. <c>notice Joined(Amira)</c>), so tests can see it arrive in order.</summary>
    public TurnResult Notify(string? state, CaseNotice notice, ChannelCapabilities capabilities, DateTimeOffset now) =>
        new(state ?? "0", [new Reply("notice " + Describe(notice), [], "en", false)], [], true);

    public static string Describe(CaseNotice notice) => notice switch
    {
        CaseNotice.Queued q => $"Queued({q.Reference})",
        CaseNotice.Joined j => $"Joined({j.CounsellorName})",
        CaseNotice.Transferred t => $"Transferred({t.CounsellorName})",
        CaseNotice.Left => "Left",
        CaseNotice.Closed c => $"Closed({c.Reference})",
        CaseNotice.HandedBack h => $"HandedBack({h.ResumeAt})",
        _ => notice.GetType().Name,
    };
}
