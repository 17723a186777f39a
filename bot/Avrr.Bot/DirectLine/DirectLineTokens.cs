using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Avrr.Bot.DirectLine;

/// <summary>What a valid token grants: one conversation, one user, until it expires.</summary>
public sealed record DirectLineGrant(string ConversationId, string UserId, DateTimeOffset Expires);

public enum TokenCheck { Valid, Expired, Invalid }

/// <summary>
/// HMAC-signed JWTs (HS256). A conversation token binds a conversation and a <c>dl_</c> user id (Web Chat reads the
/// <c>user</c> claim); a stream token is single-use and lives 60 seconds (the Direct Line 3.0 API reference).
/// </summary>
public sealed class DirectLineTokens(DirectLineSecret secret, TimeProvider time)
{
    private const string ConversationPurpose = "conversation";
    private const string StreamPurpose = "stream";
    private static readonly TimeSpan StreamLifetime = TimeSpan.FromSeconds(60);
    private static readonly byte[] Header = Encoding.UTF8.GetBytes(Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8));
    private readonly ConcurrentDictionary<string, long> _usedStreamTokens = new(StringComparer.Ordinal);

    public string IssueConversationToken(string conversationId, string userId, TimeSpan lifetime)
        => Sign(new TokenClaims(conversationId, userId, time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds(), ConversationPurpose, null));

    public string IssueStreamToken(DirectLineGrant grant)
    {
        // A stream never outlives the conversation token it came from.
        var expires = Math.Min(time.GetUtcNow().Add(StreamLifetime).ToUnixTimeSeconds(), grant.Expires.ToUnixTimeSeconds());
        return Sign(new TokenClaims(grant.ConversationId, grant.UserId, expires, StreamPurpose, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)), grant.Expires.ToUnixTimeSeconds()));
    }

    public TokenCheck CheckConversationToken(string token, out DirectLineGrant? grant) => Check(token, ConversationPurpose, out grant, out _);

    /// <summary>Validates and consumes a stream token; <paramref name="conversationExpires"/> is when the socket must close.</summary>
    public TokenCheck ConsumeStreamToken(string token, out DirectLineGrant? grant)
    {
        var check = Check(token, StreamPurpose, out grant, out var claims);
        if (check != TokenCheck.Valid)
        {
            return check;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var (id, expires) in _usedStreamTokens)
        {
            if (expires < now)
            {
                _usedStreamTokens.TryRemove(id, out _);
            }
        }

        if (!_usedStreamTokens.TryAdd(claims!.Nonce!, claims.Exp))
        {
            grant = null;
            return TokenCheck.Invalid;
        }

        grant = grant! with { Expires = DateTimeOffset.FromUnixTimeSeconds(claims.ConversationExp ?? claims.Exp) };
        return TokenCheck.Valid;
    }

    private string Sign(TokenClaims claims)
    {
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims, TokenJsonContext.Default.TokenClaims));
        var signingInput = Encoding.ASCII.GetString(Header) + "." + payload;
        var signature = HMACSHA256.HashData(secret.SigningKey, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static bool SignatureMatches(string encoded, byte[] expected)
    {
        Span<byte> actual = stackalloc byte[64];
        try
        {
            // Decoding throws, rather than returning false, on some malformed input.
            return encoded.Length <= 88
                && Base64Url.TryDecodeFromChars(encoded, actual, out var written)
                && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(actual[..written], expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private TokenCheck Check(string token, string purpose, out DirectLineGrant? grant, out TokenClaims? claims)
    {
        grant = null;
        claims = null;
        var parts = token.Split('.');
        if (parts.Length != 3 || token.Length > 4096)
        {
            return TokenCheck.Invalid;
        }

        var expected = HMACSHA256.HashData(secret.SigningKey, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!SignatureMatches(parts[2], expected))
        {
            return TokenCheck.Invalid;
        }

        try
        {
            claims = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[1]), TokenJsonContext.Default.TokenClaims);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return TokenCheck.Invalid;
        }

        if (claims is null || claims.Purpose != purpose || string.IsNullOrEmpty(claims.Conversation) || string.IsNullOrEmpty(claims.User))
        {
            return TokenCheck.Invalid;
        }

        if (claims.Exp <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            return TokenCheck.Expired;
        }

        grant = new DirectLineGrant(claims.Conversation, claims.User, DateTimeOffset.FromUnixTimeSeconds(claims.Exp));
        return TokenCheck.Valid;
    }
}

internal sealed record TokenClaims(
    [property: JsonPropertyName("conv")] string Conversation,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("exp")] long Exp,
    [property: JsonPropertyName("pur")] string Purpose,
    [property: JsonPropertyName("jti")] string? Nonce,
    [property: JsonPropertyName("cexp")] long? ConversationExp = null);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenClaims))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
