using System.Globalization;

namespace Avrr.Dialogs.Intake;

/// <summary>
/// A date as the person reads it in their language ("1 November 2026", "1 novembre 2026"), where the platform knows
/// the language's month names; otherwise the unambiguous 2026-11-01 rather than a guess.
/// </summary>
public static class ReadableDate
{
    public static string Format(DateOnly date, string language)
    {
        try
        {
            // Always the Gregorian calendar, which the rest of the conversation and every programme use (the Arabic
            // and Persian cultures default to other calendars).
            var culture = CultureInfo.GetCultureInfo(language, predefinedOnly: true);
            var format = (DateTimeFormatInfo)culture.DateTimeFormat.Clone();
            if (format.Calendar is not GregorianCalendar)
            {
                if (culture.OptionalCalendars.OfType<GregorianCalendar>().FirstOrDefault() is not { } gregorian)
                {
                    return Iso(date);
                }

                format.Calendar = gregorian;
            }

            return culture.TwoLetterISOLanguageName == "iv" ? Iso(date) : date.ToString("d MMMM yyyy", format);
        }
        catch (CultureNotFoundException)
        {
            return Iso(date);
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
