using System.Text.Json;
using System.Text.Json.Serialization;

namespace Avrr.Bot.Activities;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(List<Activity>))]
internal sealed partial class ActivityJsonContext : JsonSerializerContext;

/// <summary>Serialises activities with the wire names, skipping nulls, without reflection.</summary>
public static class ActivityJson
{
    public static string Serialize(Activity activity) => JsonSerializer.Serialize(activity, ActivityJsonContext.Default.Activity);

    public static byte[] SerializeToUtf8(Activity activity) => JsonSerializer.SerializeToUtf8Bytes(activity, ActivityJsonContext.Default.Activity);

    public static Activity? Deserialize(string json) => JsonSerializer.Deserialize(json, ActivityJsonContext.Default.Activity);

    public static Activity? Deserialize(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize(utf8, ActivityJsonContext.Default.Activity);

    /// <summary>The machine value of a pressed choice: <c>value.choice</c> as sent by our own suggested actions.</summary>
    public static string? ChoiceValue(Activity activity)
    {
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value)
        {
            return null;
        }

        return value.TryGetProperty("choice", out var choice) && choice.ValueKind == JsonValueKind.String ? choice.GetString() : null;
    }

    /// <summary>
    /// The <c>value</c> of a suggested action. Choice values come from the content (a bounded set), and every reply
    /// carries several, so each is built once.
    /// </summary>
    public static JsonElement ChoicePayload(string value)
    {
        if (Payloads.TryGetValue(value, out var cached))
        {
            return cached;
        }

        using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new ChoiceValueDto(value), ActivityAuxJsonContext.Default.ChoiceValueDto));
        var payload = doc.RootElement.Clone();
        if (Payloads.Count < MaxCachedPayloads)
        {
            Payloads.TryAdd(value, payload);
        }

        return payload;
    }

    private const int MaxCachedPayloads = 10_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> Payloads = new(StringComparer.Ordinal);

    /// <summary>
    /// Serialises the activity into a per-thread buffer and hands the UTF-8 to <paramref name="seal"/>, so the
    /// plaintext is never a separate array on the heap; the buffer is zeroed afterwards.
    /// </summary>
    public static byte[] SerializeSealed<TState>(Activity activity, TState state, SealSpan<TState> seal)
    {
        var buffer = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>(4096);
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        try
        {
            JsonSerializer.Serialize(writer, activity, ActivityJsonContext.Default.Activity);
            return seal(state, buffer.WrittenSpan);
        }
        finally
        {
            buffer.Clear();
        }
    }

    public delegate byte[] SealSpan<in TState>(TState state, ReadOnlySpan<byte> utf8);

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;
}

internal sealed record ChoiceValueDto([property: JsonPropertyName("choice")] string Choice);

[JsonSerializable(typeof(ChoiceValueDto))]
internal sealed partial class ActivityAuxJsonContext : JsonSerializerContext;

/// <summary>Timestamps go out as ISO-8601 UTC with <c>Z</c> (Activity spec A2040/A2043); any offset is accepted in.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TryGetDateTimeOffset(out var value) ? value : throw new JsonException("Invalid timestamp.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
