using System.Globalization;
using System.Text;

namespace Avrr.Knowledge;

/// <summary>
/// Folds text for matching: what a person types on a cheap phone keyboard in any script should match the content's
/// keywords. NFKC, lower case, Latin diacritics and Arabic harakat removed, Arabic/Persian/Urdu letter variants unified
/// (how people type on phones), Arabic-Indic and Persian digits to ASCII, punctuation and emoji to spaces, spaces collapsed.
/// </summary>
public static class TextFolding
{
    /// <summary>Longer input is cut before folding: keywords and choices are short, and folding must stay cheap.</summary>
    public const int MaxInput = 4000;

    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var input = text.Length > MaxInput ? text[..MaxInput] : text;
        var normalized = SafeNormalize(input, NormalizationForm.FormKD);
        var builder = new StringBuilder(normalized.Length);
        var lastWasSpace = true;
        foreach (var raw in normalized)
        {
            var c = FoldChar(raw);
            if (c == '\0')
            {
                continue;
            }

            if (c == ' ')
            {
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                    lastWasSpace = true;
                }

                continue;
            }

            builder.Append(c);
            lastWasSpace = false;
        }

        // Recompose what decomposition split but did not strip (Hangul syllables, Indic clusters) so folding is stable.
        return SafeNormalize(builder.ToString().TrimEnd(), NormalizationForm.FormKC);
    }

    /// <summary>Normalises, first dropping what normalisation rejects (lone surrogates, noncharacters such as U+FFFE).</summary>
    private static string SafeNormalize(string text, NormalizationForm form)
    {
        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            var cleaned = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    cleaned.Append(c).Append(text[++i]);
                }
                else if (!char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF') && c is not (>= '\uFDD0' and <= '\uFDEF'))
                {
                    cleaned.Append(c);
                }
            }

            try
            {
                return cleaned.ToString().Normalize(form);
            }
            catch (ArgumentException)
            {
                return cleaned.ToString();
            }
        }
    }

    /// <summary>The words of the folded text.</summary>
    public static string[] Words(string? text) => Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static char FoldChar(char c)
    {
        switch (c)
        {
            case >= '\u0660' and <= '\u0669':
                return (char)('0' + (c - '\u0660'));
            case >= '\u06F0' and <= '\u06F9':
                return (char)('0' + (c - '\u06F0'));
            case '\u064A' or '\u0649' or '\u06CC' or '\u06D0' or '\u06CD':
                return '\u064A';
            case '\u0643' or '\u06A9':
                return '\u0643';
            case '\u0647' or '\u0629' or '\u06C0' or '\u06C1' or '\u06D5':
                return '\u0647';
            case '\u0623' or '\u0625' or '\u0622' or '\u0671':
                return '\u0627';
            case '\u0624':
                return '\u0648';
            case '\u0131':
                // Turkish dotless ı, which decomposition leaves alone: "adimlar" typed without a Turkish keyboard is "adımlar".
                return 'i';
            case '\u0640' or '\u0670' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\uFEFF':
                return '\0';
            case >= '\u064B' and <= '\u065F':
                return '\0';
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        switch (category)
        {
            case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                // Latin diacritics (é → e after decomposition); Indic vowel signs are kept below.
                return c < '\u0900' ? '\0' : c;
            case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned:
                return c is '\n' or '\r' or '\t' ? ' ' : '\0';
            case UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber:
                return char.ToLowerInvariant(c);
            default:
                return ' ';
        }
    }
}
