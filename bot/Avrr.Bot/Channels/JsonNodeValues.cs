using System.Text.Json.Nodes;

namespace Avrr.Bot.Channels;

/// <summary>
/// Reading webhook JSON without trusting its shape: a value of the wrong kind reads as missing instead of throwing,
/// so a malformed update is refused with a 4xx or skipped, never answered with a 500 that the platform retries.
/// </summary>
internal static class JsonNodeValues
{
    public static string? AsString(this JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static long? AsLong(this JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    public static JsonArray AsArrayOrEmpty(this JsonNode? node) => node as JsonArray ?? [];

    /// <summary>A property of an object; null when the node is missing or not an object (an indexer would throw).</summary>
    public static JsonNode? Get(this JsonNode? node, string name) => (node as JsonObject)?[name];
}
