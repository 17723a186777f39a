using System.Text.Json;

namespace Avrr.Bot.Cases;

/// <summary>The few summary fields the host copies into plain routing columns.</summary>
internal static class CaseSummaryFields
{
    public static string? Programme(string summaryJson)
    {
        try
        {
            using var document = JsonDocument.Parse(summaryJson);
            var root = document.RootElement;
            if (root.TryGetProperty("programme", out var programme) && programme.ValueKind == JsonValueKind.String)
            {
                return programme.GetString();
            }

            return root.TryGetProperty("preScreen", out var preScreen) && preScreen.ValueKind == JsonValueKind.Object
                && preScreen.TryGetProperty("programme", out var fromPreScreen) && fromPreScreen.ValueKind == JsonValueKind.String
                ? fromPreScreen.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
