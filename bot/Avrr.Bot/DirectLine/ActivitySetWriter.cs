using System.Text;
using System.Text.Json;
using Avrr.Bot.Turns;

namespace Avrr.Bot.DirectLine;

/// <summary>Writes an ActivitySet from stored activity JSON without re-serialising each activity.</summary>
internal static class ActivitySetWriter
{
    public const int PageSize = 100;

    public static byte[] Write(IReadOnlyList<LoggedActivity> activities, string? watermark)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("activities");
            foreach (var activity in activities)
            {
                writer.WriteRawValue(activity.Json, skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (!string.IsNullOrEmpty(watermark))
            {
                writer.WriteString("watermark", watermark);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    public static string WriteString(IReadOnlyList<LoggedActivity> activities, string? watermark) => Encoding.UTF8.GetString(Write(activities, watermark));
}
