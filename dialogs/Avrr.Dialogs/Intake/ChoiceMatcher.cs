using Avrr.Knowledge;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// Finds which offered choice a typed answer means: the button's value, its number (any digits), its title after
/// folding, or its title with one typo.
/// </summary>
internal static class ChoiceMatcher
{
    public static ReplyChoice? Match(IReadOnlyList<ReplyChoice> choices, string? value, string? text)
    {
        if (value is not null && choices.FirstOrDefault(c => c.Value == value) is { } pressed)
        {
            return pressed;
        }

        var folded = TextFolding.Fold(text);
        if (folded.Length == 0)
        {
            return null;
        }

        if (int.TryParse(folded, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= choices.Count)
        {
            return choices[number - 1];
        }

        var titles = choices.Select(c => (Choice: c, Title: TextFolding.Fold(c.Title))).ToList();
        var exact = titles.FirstOrDefault(t => t.Title == folded).Choice;
        if (exact is not null)
        {
            return exact;
        }

        var close = titles.Where(t => t.Title.Length >= 5 && EditDistance.AtMostOne(t.Title, folded)).ToList();
        if (close.Count == 1)
        {
            return close[0].Choice;
        }

        // A unique title that starts with what was typed ("yes" for "Yes, I agree").
        var prefix = titles.Where(t => folded.Length >= 2 && t.Title.StartsWith(folded + " ", StringComparison.Ordinal)).ToList();
        return prefix.Count == 1 ? prefix[0].Choice : null;
    }
}
