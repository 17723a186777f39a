using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>
/// A call's parameters from the query string, a JSON body or a form body (Telegram Bot API documentation), merged as tdlib merges
/// them: body fields win over query fields of the same name. Values are read the way tdlib reads its string arguments.
/// </summary>
internal sealed class TelegramParameters
{
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);

    /// <summary>What <see cref="TelegramRequest.Body"/> records.</summary>
    public string Body { get; private set; } = "{}";

    /// <summary>Why the body could not be read (the 400 description after "Bad Request: "), or null.</summary>
    public string? InvalidBody { get; private set; }

    public static async Task<TelegramParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var parameters = new TelegramParameters();
        foreach (var (name, value) in request.Query)
        {
            parameters._values[name] = JsonValue.Create(value.ToString());
        }

        string? rawJson = null;
        var contentType = request.ContentType ?? "";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            rawJson = await reader.ReadToEndAsync(cancellationToken);
            if (rawJson.Length > 0)
            {
                parameters.MergeJson(rawJson);
            }
        }
        else if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(cancellationToken);
                foreach (var (name, value) in form)
                {
                    parameters._values[name] = JsonValue.Create(value.ToString());
                }
            }
            catch (InvalidDataException)
            {
                parameters.InvalidBody = "can't parse request body";
            }
        }

        parameters.Body = rawJson ?? parameters.ToJsonObject().ToJsonString(TelegramResponse.Json);
        return parameters;
    }

    /// <summary>The parameters of a method call a webhook answered with (everything but <c>method</c>).</summary>
    public static TelegramParameters FromObject(JsonObject call, string rawJson)
    {
        var parameters = new TelegramParameters { Body = rawJson };
        foreach (var (name, value) in call)
        {
            if (name != "method")
            {
                parameters._values[name] = value?.DeepClone();
            }
        }
        return parameters;
    }

    private void MergeJson(string rawJson)
    {
        try
        {
            if (JsonNode.Parse(rawJson) is JsonObject body)
            {
                foreach (var (name, value) in body)
                {
                    _values[name] = value?.DeepClone();
                }
                return;
            }
        }
        catch (JsonException)
        {
        }
        InvalidBody = "can't parse JSON object";
    }

    /// <summary>The value as tdlib sees it: strings as they are, numbers and booleans as text, objects as JSON; null when absent.</summary>
    public string? GetString(string name)
    {
        if (!_values.TryGetValue(name, out var node) || node is null)
        {
            return null;
        }
        if (node is JsonValue value)
        {
            return value.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => null,
                _ => value.ToJsonString(),
            };
        }
        return node.ToJsonString(TelegramResponse.Json);
    }

    /// <summary>True when the parameter is present and not empty (tdlib treats an empty value as absent).</summary>
    public bool Has(string name) => !string.IsNullOrEmpty(GetString(name));

    /// <summary>
    /// tdlib's <c>to_integer</c>: an optional '-' and the leading digits; text without digits reads as 0. Null when absent.
    /// </summary>
    public long? GetInt64(string name)
    {
        var text = GetString(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var negative = text[0] == '-';
        var start = negative ? 1 : 0;
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        if (end == start || !long.TryParse(text.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return 0;
        }
        return negative ? -number : number;
    }

    /// <summary>An integer argument clamped to [min, max], as tdlib's <c>get_integer_arg</c>.</summary>
    public int GetClamped(string name, int defaultValue, int min, int max)
    {
        var value = GetInt64(name) ?? defaultValue;
        return (int)Math.Clamp(value, min, max);
    }

    /// <summary>A boolean flag: <c>true</c>, <c>1</c> or <c>yes</c> in any case.</summary>
    public bool GetBool(string name)
    {
        var text = GetString(name);
        return text is not null &&
               (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1" ||
                text.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// A JSON-serialized parameter (reply_markup, allowed_updates, entities): an object or array in a JSON body, or the
    /// same as a JSON string. Null when absent or empty; throws <see cref="JsonException"/> when it cannot be read.
    /// </summary>
    public JsonNode? GetJson(string name)
    {
        if (!_values.TryGetValue(name, out var node) || node is null)
        {
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        return node.DeepClone();
    }

    private JsonObject ToJsonObject()
    {
        var result = new JsonObject();
        foreach (var (name, value) in _values)
        {
            result[name] = value?.DeepClone();
        }
        return result;
    }
}
