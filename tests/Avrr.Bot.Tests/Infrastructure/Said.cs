using Avrr.Dialogs;
using Avrr.Knowledge;

namespace Avrr.Bot.Tests.Infrastructure;

internal static class SaidExtensions
{
    /// <summary>
    /// A string as the bot says it to a person: with its arguments and the retention periods the host fills in
    /// (the defaults, unless a test configures others).
    /// </summary>
    public static string Said(this IKnowledgeSnapshot knowledge, string key, string language, IReadOnlyDictionary<string, string>? args = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["retention_days"] = DataTerms.Default.ConversationDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["case_retention_days"] = DataTerms.Default.ClosedCaseDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in args ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        return knowledge.Text(key, language, values).Text;
    }
}
