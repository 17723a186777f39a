using System.Globalization;
using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// Answers that are typed rather than chosen: numbers (in any digits, within the question's range), dates (day
/// first, as written in most of the world, or ISO) and free text. Returns null when the text is not a valid answer.
/// </summary>
internal static class TypedAnswer
{
    private const int MaxFreeText = 500;
    private static readonly string[] DateFormats = ["d/M/yyyy", "d.M.yyyy", "d-M-yyyy", "yyyy-M-d", "d/M/yy", "d.M.yy"];

    public static string? Parse(Question question, string? text)
    {
        switch (question.Kind)
        {
            case QuestionKind.Number:
                var digits = TextFolding.Fold(text);
                return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    && number >= (question.Min ?? int.MinValue) && number <= (question.Max ?? int.MaxValue)
                    ? number.ToString(CultureInfo.InvariantCulture)
                    : null;
            case QuestionKind.Date:
                // Folding turns Arabic-Indic and Persian digits into ASCII but also removes '/', so fold digits only.
                var normalized = new string((text ?? "").Trim().Select(c => c switch
                {
                    >= '\u0660' and <= '\u0669' => (char)('0' + (c - '\u0660')),
                    >= '\u06F0' and <= '\u06F9' => (char)('0' + (c - '\u06F0')),
                    _ => c,
                }).ToArray());
                return DateOnly.TryParseExact(normalized, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : null;
            case QuestionKind.FreeText:
                var trimmed = (text ?? "").Trim();
                return trimmed.Length == 0 ? null : trimmed[..Math.Min(trimmed.Length, MaxFreeText)];
            default:
                return null;
        }
    }
}
