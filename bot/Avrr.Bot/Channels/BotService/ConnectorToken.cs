using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Avrr.Bot.Channels.BotService;

/// <summary>
/// The bot's own token for the Connector: the OAuth 2.0 client-credentials grant at the Entra token endpoint, with the
/// client secret or a certificate's signed assertion (RFC 7523, as Entra takes it: <c>x5t</c> header, RS256), or the
/// host's managed identity (the identity endpoint of Container Apps and App Service, API version 2019-08-01). One
/// request at a time; the token is reused until five minutes before it expires.
/// </summary>
/// <remarks>
/// MSAL would do the same exchange, but accepts only HTTPS authorities, so it could not be tested against a token
/// endpoint on 127.0.0.1; the grant is one form post.
/// </remarks>
internal sealed class ConnectorToken : IDisposable
{
    public const string ClientName = "botservice-login";
    private static readonly TimeSpan RefreshEarly = TimeSpan.FromMinutes(5);

    private readonly BotServiceOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lazy<X509Certificate2?> _certificate;
    private (string Value, DateTimeOffset RenewAt)? _current;

    public ConnectorToken(IOptions<BotServiceOptions> options, IHttpClientFactory clients, TimeProvider time)
    {
        _options = options.Value;
        _http = clients.CreateClient(ClientName);
        _time = time;
        _certificate = new(() => string.IsNullOrWhiteSpace(_options.AppPassword) && !string.IsNullOrWhiteSpace(_options.CertificatePath)
            ? X509CertificateLoader.LoadPkcs12FromFile(_options.CertificatePath, _options.CertificatePassword)
            : null);
    }

    public string Endpoint => $"{_options.LoginUrl.TrimEnd('/')}/{Uri.EscapeDataString(_options.TokenTenant)}/oauth2/v2.0/token";

    public async Task<string> GetAsync(CancellationToken ct)
    {
        if (_current is { } fresh && _time.GetUtcNow() < fresh.RenewAt)
        {
            return fresh.Value;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } other && _time.GetUtcNow() < other.RenewAt)
            {
                return other.Value;
            }

            var (token, lifetime) = await RequestAsync(ct);
            _current = (token, _time.GetUtcNow() + (lifetime > RefreshEarly * 2 ? lifetime - RefreshEarly : lifetime / 2));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The Connector refused the token (401): the next send gets a new one.</summary>
    public void Invalidate() => _current = null;

    public void Dispose()
    {
        _gate.Dispose();
        if (_certificate.IsValueCreated)
        {
            _certificate.Value?.Dispose();
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestAsync(CancellationToken ct)
    {
        if (_options.ManagedIdentity)
        {
            return await RequestFromIdentityAsync(ct);
        }

        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = _options.AppId!,
            ["scope"] = _options.Scope,
        };
        if (_certificate.Value is { } certificate)
        {
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            form["client_assertion"] = Assertion(certificate);
        }
        else
        {
            form["client_secret"] = _options.AppPassword!;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri(Endpoint), content, ct);
        return await ReadTokenAsync(response, ct);
    }

    /// <summary>The managed identity's token for the Connector's resource (the scope without <c>/.default</c>).</summary>
    private async Task<(string Token, TimeSpan Lifetime)> RequestFromIdentityAsync(CancellationToken ct)
    {
        var endpoint = string.IsNullOrWhiteSpace(_options.ManagedIdentityEndpoint) ? Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT") : _options.ManagedIdentityEndpoint;
        var header = string.IsNullOrWhiteSpace(_options.ManagedIdentityHeader) ? Environment.GetEnvironmentVariable("IDENTITY_HEADER") : _options.ManagedIdentityHeader;
        if (string.IsNullOrWhiteSpace(endpoint) || string.IsNullOrWhiteSpace(header))
        {
            throw new ChannelApiException(BotServiceSender.ChannelName, 0, 0, "token request impossible: Channels:BotService:ManagedIdentity is on but the host has no identity endpoint (IDENTITY_ENDPOINT and IDENTITY_HEADER are not set: assign the identity to the app)", null);
        }

        var resource = _options.Scope.EndsWith("/.default", StringComparison.Ordinal) ? _options.Scope[..^"/.default".Length] : _options.Scope;
        var query = $"?api-version=2019-08-01&resource={Uri.EscapeDataString(resource)}&client_id={Uri.EscapeDataString(_options.AppId!)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint + query));
        request.Headers.TryAddWithoutValidation("X-IDENTITY-HEADER", header);
        using var response = await _http.SendAsync(request, ct);
        return await ReadTokenAsync(response, ct);
    }

    private async Task<(string Token, TimeSpan Lifetime)> ReadTokenAsync(HttpResponseMessage response, CancellationToken ct)
    {
        JsonNode? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonNode>(ct);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        var token = body?["access_token"]?.GetValue<string>();
        if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(token))
        {
            // Entra's error: "invalid_client" with AADSTS7000215 for a wrong secret, and so on. Never the secret itself.
            var error = body?["error"]?.GetValue<string>() ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var description = body?["error_description"]?.GetValue<string>()?.Split('\n')[0] ?? response.ReasonPhrase ?? "";
            throw new ChannelApiException(BotServiceSender.ChannelName, (int)response.StatusCode, 0, $"token request refused: {error} {description}".Trim(), response.Headers.RetryAfter?.Delta);
        }

        // Entra sends expires_in as a number (older endpoints a string); identity endpoints send expires_on, in Unix seconds.
        var seconds = Number(body?["expires_in"]) is { } lifetime ? lifetime
            : Number(body?["expires_on"]) is { } expiresOn ? expiresOn - _time.GetUtcNow().ToUnixTimeSeconds()
            : 3600;
        return (token, TimeSpan.FromSeconds(Math.Max(seconds, 60)));
    }

    private static long? Number(JsonNode? value) =>
        long.TryParse(value?.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;

    private string Assertion(X509Certificate2 certificate)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.AppId,
            Audience = Endpoint,
            Claims = new Dictionary<string, object> { ["sub"] = _options.AppId!, ["jti"] = Guid.NewGuid().ToString() },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new X509SigningCredentials(certificate, SecurityAlgorithms.RsaSha256),
        });
    }

    internal static AuthenticationHeaderValue Header(string token) => new("Bearer", token);
}
