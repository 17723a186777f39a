using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Avrr.Bot.Translation;

/// <summary>
/// Removes what identifies a person from text before it goes to a translation service, and puts it back afterwards:
/// phone numbers (libphonenumber, in the host countries' and international formats, and any long run of digits),
/// e-mail addresses, document and ID numbers, dates (of birth or otherwise) and the names people give ("my name is …",
/// in the bot's languages). Each becomes a numbered placeholder in an element marked <c>translate="no"</c>; the rest is
/// HTML-encoded so the services' HTML mode keeps it as text.
/// </summary>
internal static partial class PersonalDetails
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Where the people who use the bot live and come from; "ZZ" finds numbers written with +.</summary>
    private static readonly string[] PhoneRegions = ["ZZ", "BE", "DE", "NL", "CY", "FR"];

    public sealed record Protected(string Html, IReadOnlyList<string> Originals);

    /// <summary>The text with every detail found replaced by a placeholder, as HTML for the services.</summary>
    public static Protected Protect(string text)
    {
        var spans = new List<(int Start, int End)>();
        foreach (var region in PhoneRegions)
        {
            foreach (var match in Phones.FindNumbers(text, region, PhoneNumberUtil.Leniency.POSSIBLE, long.MaxValue))
            {
                spans.Add((match.Start, match.Start + match.Length));
            }
        }

        foreach (var pattern in new[] { Email(), Date(), WrittenDate(), DocumentNumber(), DigitRun() })
        {
            foreach (Match match in pattern.Matches(text))
            {
                spans.Add((match.Index, match.Index + match.Length));
            }
        }

        foreach (Match match in GivenName().Matches(text))
        {
            var name = match.Groups["name"];
            spans.Add((name.Index, name.Index + name.Length));
        }

        var merged = Merge(spans);
        var html = new StringBuilder();
        var originals = new List<string>();
        var at = 0;
        foreach (var (start, end) in merged)
        {
            html.Append(WebUtility.HtmlEncode(text[at..start]));
            originals.Add(text[start..end]);
            html.Append(CultureInfo.InvariantCulture, $"<span translate=\"no\" class=\"notranslate\">{Marker(originals.Count)}</span>");
            at = end;
        }

        html.Append(WebUtility.HtmlEncode(text[at..]));
        return new Protected(html.ToString(), originals);
    }

    /// <summary>The translated HTML as text, with each detail back in its place; null when a placeholder did not come back intact.</summary>
    public static string? Restore(Protected original, string translatedHtml)
    {
        var seen = new HashSet<int>();
        var restored = Placeholder().Replace(translatedHtml, match =>
        {
            var index = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            seen.Add(index);
            return index >= 1 && index <= original.Originals.Count ? "\u0001" + index.ToString(CultureInfo.InvariantCulture) + "\u0002" : match.Value;
        });
        if (seen.Count != original.Originals.Count || !Enumerable.Range(1, original.Originals.Count).All(seen.Contains))
        {
            return null;
        }

        // Decode what the service returned as HTML to text, then put the originals back (never decoded: they were never encoded).
        var text = WebUtility.HtmlDecode(Tags().Replace(restored, ""));
        return Slot().Replace(text, m => original.Originals[int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) - 1]);
    }

    private static string Marker(int n) => "X" + n.ToString(CultureInfo.InvariantCulture);

    private static List<(int Start, int End)> Merge(List<(int Start, int End)> spans)
    {
        var merged = new List<(int Start, int End)>();
        foreach (var span in spans.Where(s => s.End > s.Start).OrderBy(s => s.Start).ThenByDescending(s => s.End))
        {
            if (merged.Count > 0 && span.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, span.End));
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged;
    }

    [GeneratedRegex(@"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}")]
    private static partial Regex Email();

    /// <summary>12/03/1990, 12.3.90, 1990-03-12.</summary>
    [GeneratedRegex(@"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})\b")]
    private static partial Regex Date();

    /// <summary>12 March 1990, March 12, 1990 and the like in the host countries' languages.</summary>
    [GeneratedRegex(@"\b\d{1,2}\.?\s+(?:jan|feb|fév|mar|mär|apr|avr|may|mai|mei|jun|juin|jul|juil|aug|aoû|sep|oct|okt|nov|dec|déc|dez)\p{L}*\.?\s+\d{4}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\p{L}*\.?\s+\d{1,2},?\s+\d{4}\b", RegexOptions.IgnoreCase)]
    private static partial Regex WrittenDate();

    /// <summary>Passport, ID, residence card and case numbers: a word of letters and digits with at least four digits.</summary>
    [GeneratedRegex(@"\b(?=(?:[A-Za-z-]*\d){4})[A-Za-z0-9][A-Za-z0-9-]{4,}\b")]
    private static partial Regex DocumentNumber();

    /// <summary>Any other run of six or more digits, separators allowed (numbers libphonenumber does not know).</summary>
    [GeneratedRegex(@"\+?\d(?:[\s().-]?\d){5,}")]
    private static partial Regex DigitRun();

    /// <summary>"my name is Ahmad Karimi", "je m'appelle …", "ich heiße …", "me llamo …", "меня зовут …", "اسمي …", "اسم من …", "نام من …".</summary>
    [GeneratedRegex(@"(?:\bmy name is|\bi am called|\bje m'appelle|\bje m’appelle|\bmon nom est|\bich heiße|\bich heisse|\bmein name ist|\bmijn naam is|\bik heet|\bme llamo|\bmi nombre es|\bmeu nome é|\bme chamo|\bменя зовут|\bмоё имя|\bmoje imya|\bbenim adım|\badım|اسمي|اسمی|اسم من|نام من|زما نوم|میرا نام)\s*:?\s+(?<name>[\p{L}\p{M}'’-]+(?:\s+[\p{Lu}\p{Lo}][\p{L}\p{M}'’-]*){0,2})", RegexOptions.IgnoreCase)]
    private static partial Regex GivenName();

    [GeneratedRegex(@"<span[^>]*>\s*X(?<n>\d+)\s*</span>", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex("\u0001(?<n>\\d+)\u0002")]
    private static partial Regex Slot();
}
