using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.Telegram;

/// <summary>One Bot API answer: <c>{"ok":true,"result":...}</c> or the error shape of the Telegram Bot API documentation.</summary>
internal sealed record TelegramResponse(int Status, JsonObject Body, int? RetryAfter)
{
    /// <summary>Non-ASCII text stays readable in recorded bodies; the JSON is equivalent either way.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TelegramResponse Ok(JsonNode? result, string? description = null)
    {
        var body = new JsonObject { ["ok"] = true, ["result"] = result };
        if (description is not null)
        {
            body["description"] = description;
        }
        return new TelegramResponse(200, body, null);
    }

    /// <summary>
    /// The error shape exactly: <c>parameters</c> only when there is a <c>retry_after</c>. The HTTP status equals
    /// <c>error_code</c>, as in tdlib's HttpConnection.
    /// </summary>
    public static TelegramResponse Error(int errorCode, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = errorCode, ["description"] = description };
        if (retryAfter is { } seconds)
        {
            body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        }
        return new TelegramResponse(errorCode, body, retryAfter);
    }

    /// <summary>429 always reads <c>Too Many Requests: retry after N</c> (tdlib builds it from N).</summary>
    public static TelegramResponse TooManyRequests(int retryAfter) =>
        Error(429, $"Too Many Requests: retry after {retryAfter}", retryAfter);

    public static TelegramResponse Unauthorized() => Error(401, "Unauthorized");

    public static TelegramResponse MethodNotFound() => Error(404, "Not Found: method not found");

    public string ToJsonString() => Body.ToJsonString(Json);
}

/// <summary>Thrown by a method handler to answer with a Bot API error; caught by the dispatcher.</summary>
internal sealed class TelegramErrorException : Exception
{
    public TelegramErrorException()
    {
    }

    public TelegramErrorException(string message) : base(message)
    {
    }

    public TelegramErrorException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public TelegramErrorException(int errorCode, string description) : base(description)
    {
        ErrorCode = errorCode;
    }

    public int ErrorCode { get; } = 400;

    public static TelegramErrorException BadRequest(string what) => new(400, "Bad Request: " + what);

    public TelegramResponse ToResponse() => TelegramResponse.Error(ErrorCode, Message);
}
