using System.Globalization;

namespace Avrr.Bot.Common;

public static class Times
{
    /// <summary>How staff pages show a stored time: to the minute, in UTC, saying so.</summary>
    public static string Utc(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
