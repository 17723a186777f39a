using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.WhatsApp;

/// <summary>
/// One Graph API error response (the WhatsApp Cloud API reference). WhatsApp-layer errors carry <c>error_data</c>; the Graph-layer
/// ones (bad token, unknown object) do not, as on the real service.
/// </summary>
public sealed record GraphError(
    int HttpStatus,
    int Code,
    string Message,
    string Type = "OAuthException",
    string? Details = null,
    int? Subcode = null)
{
    /// <summary>Wrong or missing bearer token (Graph layer).</summary>
    public static GraphError InvalidToken() => new(
        401,
        190,
        "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
        Subcode: 460);

    /// <summary>A phone number id (or path) the fake does not serve (Graph layer).</summary>
    public static GraphError UnknownObject(string id) => new(
        400,
        100,
        $"Unsupported post request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        Type: "GraphMethodException",
        Subcode: 33);

    /// <summary>A method or path the Graph API does not have (Graph layer).</summary>
    public static GraphError UnsupportedRequest(string method) => new(
        400,
        100,
        $"Unsupported {method.ToLowerInvariant()} request. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        Type: "GraphMethodException",
        Subcode: 33);

    /// <summary>A required field is absent.</summary>
    public static GraphError MissingParameter(string field) =>
        new(400, 100, $"(#100) The parameter {field} is required.", Details: $"The parameter {field} is required.");

    /// <summary>A field has a wrong type or a value outside its enumeration.</summary>
    public static GraphError InvalidParameter(string details) =>
        new(400, 100, "(#100) Invalid parameter", Details: details);

    /// <summary>A value breaks a documented limit (length, count, uniqueness) or names an unknown message.</summary>
    public static GraphError InvalidValue(string details) =>
        new(400, 131009, "(#131009) Parameter value is not valid", Details: details);

    /// <summary>A free-form message outside the 24-hour customer service window.</summary>
    public static GraphError ReEngagement() => new(
        400,
        131047,
        "(#131047) Re-engagement message",
        Details: GraphErrorCatalog.ReEngagementDetails);

    /// <summary>A failure scripted by a test; the message gets its "(#code) " prefix when it lacks one.</summary>
    public static GraphError Scripted(int code, string message, int httpStatus)
    {
        var full = message.StartsWith("(#", StringComparison.Ordinal) ? message : $"(#{code}) {message}";
        var title = GraphErrorCatalog.StripCodePrefix(full);
        return new GraphError(httpStatus, code, full, Details: GraphErrorCatalog.DetailsFor(code) ?? title);
    }

    /// <summary>The response body: <c>{"error":{message,type,code,error_data?,error_subcode?,fbtrace_id}}</c>.</summary>
    public string ToJson()
    {
        var error = new JsonObject
        {
            ["message"] = Message,
            ["type"] = Type,
            ["code"] = Code,
        };
        if (Details is not null)
        {
            error["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = Details };
        }

        if (Subcode is { } subcode)
        {
            error["error_subcode"] = subcode;
        }

        error["fbtrace_id"] = NewTraceId();
        return RawJson.Write(new JsonObject { ["error"] = error });
    }

    /// <summary>The <c>WWW-Authenticate</c> value Graph sends with errors (header values must be ASCII).</summary>
    public string WwwAuthenticate()
    {
        var kind = Code == 190 ? "invalid_token" : "invalid_request";
        var ascii = string.Concat(Message.Select(c => c is >= ' ' and <= '~' && c != '"' ? c : '?'));
        return $"OAuth \"Facebook Platform\" \"{kind}\" \"{ascii}\"";
    }

    // Real trace ids look like "AauRgAP8m_ImekhgAZPeC7d": 23 base64url characters.
    private static string NewTraceId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(17));
}
