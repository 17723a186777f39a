using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Avrr.Channels.Fakes.BotService;

/// <summary>
/// Azure Bot Service on 127.0.0.1, the three parts a bot talks to (protocols: connector-authentication, the Connector
/// REST API): the Connector's OpenID metadata and signing keys (with endorsements), the Entra token endpoint
/// (client secret or certificate assertion), and the Connector's conversation API, with its ErrorResponse bodies,
/// Teams' per-conversation rate limits (7 per second, 8 per 2 seconds) and scripted failures. It also plays the
/// channel: <see cref="DeliverAsync"/> posts a person's activity to the bot with a token it signs.
/// </summary>
public sealed partial class BotConnectorFake : IAsyncDisposable
{
    public const string Issuer = "https://api.botframework.com";
    public const string KeyId = "fake-connector-key";

    /// <summary>What the host's identity endpoint asks for in <c>X-IDENTITY-HEADER</c> (the platform's <c>IDENTITY_HEADER</c>).</summary>
    public const string IdentityHeader = "fake-identity-header-0123";

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly string _appId;
    private readonly string? _secret;
    private readonly X509Certificate2? _certificate;
    private readonly RSA _key = RSA.Create(2048);
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recentSends = new(StringComparer.Ordinal);
    private readonly List<ConnectorActivity> _sent = [];
    private readonly List<ConnectorRequest> _requests = [];
    private readonly List<(int Status, string Code, int? RetryAfter)> _failures = [];
    private int _tokenRequests;
    private long _sequence;

    private BotConnectorFake(WebApplication app, string appId, string? secret, X509Certificate2? certificate)
    {
        _app = app;
        _appId = appId;
        _secret = secret;
        _certificate = certificate;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Configuration for <c>Channels:BotService:OpenIdMetadataUrl</c>.</summary>
    public string MetadataUrl => BaseUrl + "/v1/.well-known/openidconfiguration";

    /// <summary>Configuration for <c>Channels:BotService:LoginUrl</c> (the token endpoint is <c>/{tenant}/oauth2/v2.0/token</c>).</summary>
    public string LoginUrl => BaseUrl;

    /// <summary>The host's managed-identity endpoint (the platform's <c>IDENTITY_ENDPOINT</c>), for an identity whose client id is the app id.</summary>
    public string IdentityEndpoint => BaseUrl + "/msi/token";

    /// <summary>The service URL the channel puts in activities, with the trailing slash Teams' has.</summary>
    public string ServiceUrl => BaseUrl + "/teams/";

    /// <summary>The channels the signing key is endorsed for (the JWKS <c>endorsements</c>).</summary>
    public IReadOnlyList<string> Endorsements { get; init; } = ["msteams", "facebook", "slack", "webchat"];

    /// <summary>When false, the Connector has no rate limit (for load tests that measure something else).</summary>
    public bool RateLimited { get; set; } = true;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Activities the Connector accepted (201), oldest first.</summary>
    public IReadOnlyList<ConnectorActivity> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>Every conversation API request with the status returned.</summary>
    public IReadOnlyList<ConnectorRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <param name="secret">The app registration's client secret, or null when it has only <paramref name="certificate"/>.</param>
    public static async Task<BotConnectorFake> StartAsync(string appId, string? secret, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new BotConnectorFake(app, appId, secret, certificate);
        app.MapGet("/v1/.well-known/openidconfiguration", fake.Metadata);
        app.MapGet("/v1/.well-known/keys", fake.Keys);
        app.MapPost("/{tenant}/oauth2/v2.0/token", (Delegate)fake.TokenAsync);
        app.MapGet("/msi/token", fake.IdentityToken);
        app.MapPost("/teams/v3/conversations/{conversationId}/activities", (Delegate)fake.ActivityAsync);
        app.MapPost("/teams/v3/conversations/{conversationId}/activities/{replyTo}", (Delegate)fake.ActivityAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    /// <summary>
    /// A Connector token for an activity to the bot. Every part can be made wrong: the issuer, the audience, the
    /// lifetime, the service URL claim, the signing key (another, or none: <c>alg: none</c>).
    /// </summary>
    public string Token(string? serviceUrl = null, string? audience = null, string issuer = Issuer, TimeSpan? expiresIn = null, bool withSignature = true, RSA? otherKey = null)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience ?? _appId,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl ?? ServiceUrl },
            IssuedAt = expires < now ? expires.AddMinutes(-60) : now,
            NotBefore = expires < now ? expires.AddMinutes(-60) : now,
            Expires = expires,
        };
        if (withSignature)
        {
            descriptor.SigningCredentials = new SigningCredentials(new RsaSecurityKey(otherKey ?? _key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The person's message as the channel delivers it to the bot's <c>/api/messages</c>.</summary>
    public static JsonObject Message(string conversationId, string userId, string text, string? id = null, string channelId = "msteams", string? serviceUrl = null, string botId = "28:bot", DateTimeOffset? timestamp = null) => new()
    {
        ["type"] = "message",
        ["id"] = id ?? Guid.NewGuid().ToString("N"),
        ["timestamp"] = (timestamp ?? TimeProvider.System.GetUtcNow()).ToString("o", CultureInfo.InvariantCulture),
        ["channelId"] = channelId,
        ["serviceUrl"] = serviceUrl,
        ["from"] = new JsonObject { ["id"] = userId, ["name"] = "Person", ["aadObjectId"] = Guid.NewGuid().ToString() },
        ["recipient"] = new JsonObject { ["id"] = botId, ["name"] = "Avrr" },
        ["conversation"] = new JsonObject { ["id"] = conversationId, ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
        ["locale"] = "en-US",
        ["text"] = text,
        ["textFormat"] = "plain",
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
    };

    /// <summary>Posts <paramref name="activity"/> to the bot as the channel does (its service URL set, a token signed for it).</summary>
    public async Task<HttpResponseMessage> DeliverAsync(HttpClient bot, JsonObject activity, string? token = null)
    {
        activity["serviceUrl"] ??= ServiceUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/messages", UriKind.Relative))
        {
            Content = new StringContent(activity.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (token ?? Token(activity["serviceUrl"]!.GetValue<string>())));
        return await bot.SendAsync(request);
    }

    /// <summary>Fails the next conversation API call with this status and ErrorResponse code (and Retry-After, in seconds).</summary>
    public void FailNext(int status, string code, int? retryAfterSeconds = null)
    {
        lock (_gate)
        {
            _failures.Add((status, code, retryAfterSeconds));
        }
    }

    /// <summary>Every token issued so far stops working (a rotated secret, a revoked grant): the next send gets 401.</summary>
    public void RevokeTokens()
    {
        lock (_gate)
        {
            _tokens.Clear();
        }
    }

    /// <summary>Waits, bounded, until the Connector accepted at least <paramref name="count"/> activities for the conversation.</summary>
    public async Task<IReadOnlyList<ConnectorActivity>> WaitForSentAsync(string conversationId, int count, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var sent = Sent.Where(s => s.ConversationId == conversationId).ToList();
            if (sent.Count >= count)
            {
                return sent;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"Expected {count} activities in {conversationId} within {timeout}; requests: " +
                    string.Join("; ", Requests.Select(r => $"{r.Status} {r.Code}")));
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private IResult Metadata() => Results.Json(new JsonObject
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = "https://invalid.botframework.com",
        ["jwks_uri"] = BaseUrl + "/v1/.well-known/keys",
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
    });

    private IResult Keys()
    {
        var parameters = _key.ExportParameters(false);
        return Results.Json(new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                ["endorsements"] = new JsonArray([.. Endorsements.Select(e => (JsonNode)e)]),
            }),
        });
    }

    private async Task<IResult> ActivityAsync(HttpContext context)
    {
        var conversationId = context.Request.RouteValues["conversationId"] as string ?? "";
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        var (status, code, retryAfter, id) = Handle(context.Request.Headers.Authorization.ToString(), conversationId, body as JsonObject);
        lock (_gate)
        {
            _requests.Add(new ConnectorRequest(conversationId, status, code, body?.ToJsonString() ?? ""));
        }

        context.Response.Headers["X-Correlating-OperationId"] = Guid.NewGuid().ToString("N")[..16];
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return id is not null
            ? Results.Json(new JsonObject { ["id"] = id }, statusCode: status)
            : Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = Describe(code) } }, statusCode: status);
    }

    private (int Status, string Code, int? RetryAfter, string? Id) Handle(string authorization, string conversationId, JsonObject? activity)
    {
        var now = TimeProvider.System.GetUtcNow();
        lock (_gate)
        {
            var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
            if (!_tokens.TryGetValue(token, out var expires) || expires < now)
            {
                return (401, "Unauthorized", null, null);
            }

            if (_failures.Count > 0)
            {
                var (status, code, retryAfter) = _failures[0];
                _failures.RemoveAt(0);
                return (status, code, retryAfter, null);
            }

            if (activity?["type"]?.GetValue<string>() is not { Length: > 0 } type
                || activity["conversation"]?["id"]?.GetValue<string>() != conversationId
                || activity["from"]?["id"] is null)
            {
                return (400, "BadArgument", null, null);
            }

            if (RateLimited && !WithinThreadLimits(conversationId, now))
            {
                return (429, "TooManyRequests", 1, null);
            }

            var id = "1:" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
            _sent.Add(new ConnectorActivity(conversationId, type, activity["name"]?.GetValue<string>(), activity["text"]?.GetValue<string>(), activity));
            return (201, "", null, id);
        }
    }

    /// <summary>Teams' limits per bot per conversation: 7 in any second and 8 in any 2 seconds (60 in 30 s is not reached in tests).</summary>
    private bool WithinThreadLimits(string conversationId, DateTimeOffset now)
    {
        if (!_recentSends.TryGetValue(conversationId, out var recent))
        {
            _recentSends[conversationId] = recent = new Queue<DateTimeOffset>();
        }

        while (recent.Count > 0 && now - recent.Peek() > TimeSpan.FromSeconds(2))
        {
            recent.Dequeue();
        }

        if (recent.Count >= 8 || recent.Count(t => now - t <= TimeSpan.FromSeconds(1)) >= 7)
        {
            return false;
        }

        recent.Enqueue(now);
        return true;
    }

    private static string Describe(string code) => code switch
    {
        "Unauthorized" => "Authorization has been denied for this request.",
        "BadArgument" => "Activity is missing a required field.",
        "TooManyRequests" => "Too many requests.",
        "ConversationNotFound" => "Conversation not found.",
        "ConversationBlockedByUser" => "User blocked the conversation with the bot.",
        "ServiceError" => "An internal error occurred.",
        _ => code,
    };

}

/// <summary>An activity the Connector accepted, with the JSON the bot sent.</summary>
public sealed record ConnectorActivity(string ConversationId, string Type, string? Name, string? Text, JsonObject Json);

/// <summary>A conversation API request and the status (and ErrorResponse code) it got.</summary>
public sealed record ConnectorRequest(string ConversationId, int Status, string Code, string Body);
