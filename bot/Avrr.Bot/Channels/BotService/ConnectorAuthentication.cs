using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Avrr.Bot.Channels.BotService;

/// <summary>
/// Checks the Bot Connector's bearer token on <c>/api/messages</c> (connector-authentication): signed by a key from the
/// Connector's OpenID metadata, issued by the Connector, for this bot's app id, within its lifetime (5 minutes' skew);
/// then, once the body is read, its <c>serviceurl</c> claim against the activity's and the key's endorsements against
/// its channel.
/// </summary>
internal sealed class ConnectorAuthentication
{
    /// <summary>The named client that reads the metadata and keys.</summary>
    public const string ClientName = "botservice-metadata";

    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];
    private readonly BotServiceOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public ConnectorAuthentication(IOptions<BotServiceOptions> options, IHttpClientFactory clients)
    {
        _options = options.Value;
        var url = new Uri(_options.OpenIdMetadataUrl);
        // Plain HTTP only for a metadata endpoint on this machine (the tests' issuer); anything else must be HTTPS.
        var retriever = new HttpDocumentRetriever(clients.CreateClient(ClientName)) { RequireHttps = !url.IsLoopback };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(url.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            // The Connector rotates keys with notice; a day is what its documentation asks for at most.
            AutomaticRefreshInterval = TimeSpan.FromHours(24),
        };
    }

    /// <summary>The token's verdict: the claims the body is checked against, or why it was refused.</summary>
    public sealed record Verdict(bool Valid, string? ServiceUrl, IReadOnlyList<string>? Endorsements, string? Failure);

    public async Task<Verdict> ValidateAsync(string? authorization, CancellationToken ct)
    {
        // The scheme must be exactly "Bearer" (connector-authentication, step 1).
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= 7)
        {
            return Refused("no bearer token");
        }

        var token = authorization[7..].Trim();
        var (result, configuration) = await ValidateWithKeysAsync(token, ct);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key the cached metadata does not know: the Connector may have rolled its keys. Look again once.
            _metadata.RequestRefresh();
            (result, configuration) = await ValidateWithKeysAsync(token, ct);
        }

        if (!result.IsValid || configuration is null)
        {
            return Refused(result.Exception?.GetType().Name ?? "invalid token");
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var serviceUrl = jwt.TryGetPayloadValue<string>("serviceurl", out var claimed) ? claimed : null;
        var key = configuration.JsonWebKeySet?.Keys.FirstOrDefault(k => string.Equals(k.Kid, jwt.Kid, StringComparison.Ordinal));
        return new Verdict(true, serviceUrl, key is null ? null : Endorsements(key), null);
    }

    /// <summary>
    /// After the body is read: the token's <c>serviceurl</c> must be the activity's (so a token for one conversation
    /// cannot direct replies elsewhere), and a key endorsed for some channels signs only for those.
    /// </summary>
    public static (int Status, string? Failure) CheckActivity(Verdict verdict, string? serviceUrl, string? channelId)
    {
        if (string.IsNullOrEmpty(verdict.ServiceUrl) || !string.Equals(verdict.ServiceUrl, serviceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status401Unauthorized, "the token's serviceurl is not the activity's");
        }

        if (verdict.Endorsements is { } endorsed && !endorsed.Contains(channelId ?? "", StringComparer.Ordinal))
        {
            return (StatusCodes.Status403Forbidden, $"the signing key is not endorsed for channel '{channelId}'");
        }

        return (StatusCodes.Status200OK, null);
    }

    /// <returns>The verdict, with the metadata it was checked against (null when that could not be read).</returns>
    private async Task<(TokenValidationResult Result, OpenIdConnectConfiguration? Configuration)> ValidateWithKeysAsync(string token, CancellationToken ct)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _metadata.GetConfigurationAsync(ct);
        }
        catch (InvalidOperationException ex)
        {
            // The metadata could not be read: nothing can be validated, so nothing is accepted.
            return (new TokenValidationResult { IsValid = false, Exception = ex }, null);
        }

        return (await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _options.TokenIssuer,
            ValidAudience = _options.AppId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
        }), configuration);
    }

    /// <summary>The channels a key is endorsed for, or null when the key carries no endorsements.</summary>
    private static List<string>? Endorsements(JsonWebKey key)
    {
        if (!key.AdditionalData.TryGetValue("endorsements", out var value) || value is null)
        {
            return null;
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            IEnumerable<object> items => [.. items.Select(i => i?.ToString() ?? "")],
            _ => [],
        };
    }

    private static Verdict Refused(string why) => new(false, null, null, why);
}
