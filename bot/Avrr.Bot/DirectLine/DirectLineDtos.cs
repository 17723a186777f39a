using System.Text.Json.Serialization;

namespace Avrr.Bot.DirectLine;

internal sealed record ConversationResponse(
    [property: JsonPropertyName("conversationId")] string ConversationId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("streamUrl")] string? StreamUrl);

internal sealed record ResourceResponse([property: JsonPropertyName("id")] string Id);

internal sealed record SessionResponse([property: JsonPropertyName("sessionId")] string SessionId);

internal sealed record ErrorBody(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

internal sealed record ErrorResponse([property: JsonPropertyName("error")] ErrorBody Error);

internal sealed record ClientData([property: JsonPropertyName("clientActivityID")] string ClientActivityId);

internal sealed record TokenParameters([property: JsonPropertyName("user")] TokenUser? User);

internal sealed record TokenUser(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationResponse))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(TokenParameters))]
[JsonSerializable(typeof(ClientData))]
internal sealed partial class DirectLineJsonContext : JsonSerializerContext;

/// <summary>Direct Line error responses in the documented shape (the Direct Line 3.0 API reference).</summary>
internal static class DirectLineErrors
{
    public static IResult Error(int status, string code, string message) =>
        Results.Json(new ErrorResponse(new ErrorBody(code, message)), DirectLineJsonContext.Default.ErrorResponse, statusCode: status);

    public static IResult MissingAuthorization() => Error(401, "BadArgument", "Missing or malformed Authorization header; expected 'Bearer <token or secret>'.");

    public static IResult TokenExpired() => Error(403, "TokenExpired", "Token expired.");

    public static IResult Forbidden() => Error(403, "Forbidden", "The token or secret is not valid for this conversation.");

    public static IResult NotFound() => Error(404, "NotFound", "Conversation not found.");

    public static IResult BadArgument(string message) => Error(400, "BadArgument", message);
}
