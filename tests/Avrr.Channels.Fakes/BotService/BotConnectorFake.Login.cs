using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Avrr.Channels.Fakes.BotService;

/// <summary>Where the bot gets its own token: Entra's token endpoint and the host's managed-identity endpoint.</summary>
public sealed partial class BotConnectorFake
{
    /// <summary>The Entra v2 token endpoint's client-credentials grant, with its error bodies.</summary>
    private async Task<IResult> TokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "client_credentials" || form["scope"] != "https://api.botframework.com/.default")
        {
            return Entra(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type' or a valid 'scope'.");
        }

        if (form["client_id"] != _appId)
        {
            return Entra(400, "unauthorized_client", $"AADSTS700016: Application with identifier '{form["client_id"]}' was not found in the directory.");
        }

        var authenticated = form.ContainsKey("client_assertion")
            ? _certificate is not null && form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" && await AssertionValidAsync(form["client_assertion"].ToString(), context)
            : _secret is not null && form["client_secret"] == _secret;
        if (!authenticated)
        {
            return Entra(401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
        }

        var token = "fake-bf-" + Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _tokens[token] = TimeProvider.System.GetUtcNow().AddHours(1);
        }

        return Results.Json(new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3599, ["ext_expires_in"] = 3599, ["access_token"] = token });
    }

    /// <summary>The managed-identity endpoint of Container Apps and App Service (API version 2019-08-01).</summary>
    private IResult IdentityToken(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        var query = context.Request.Query;
        if (context.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
        {
            return Results.Json(new JsonObject { ["statusCode"] = 401, ["message"] = "Unauthorized: the X-IDENTITY-HEADER is missing or wrong." }, statusCode: 401);
        }

        if (query["api-version"] != "2019-08-01" || query["resource"] != "https://api.botframework.com")
        {
            return Results.Json(new JsonObject { ["statusCode"] = 400, ["message"] = "Bad request: api-version and resource are required." }, statusCode: 400);
        }

        if (query["client_id"] != _appId)
        {
            return Results.Json(new JsonObject { ["statusCode"] = 400, ["message"] = "Unable to load the proper Managed Identity." }, statusCode: 400);
        }

        var token = "fake-msi-" + Guid.NewGuid().ToString("N");
        var expires = TimeProvider.System.GetUtcNow().AddHours(24);
        lock (_gate)
        {
            _tokens[token] = expires;
        }

        return Results.Json(new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["resource"] = "https://api.botframework.com",
            ["token_type"] = "Bearer",
            ["client_id"] = _appId,
        });
    }

    private async Task<bool> AssertionValidAsync(string assertion, HttpContext context)
    {
        var endpoint = $"{BaseUrl}{context.Request.Path}";
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = _appId,
            ValidAudience = endpoint,
            IssuerSigningKey = new X509SecurityKey(_certificate!),
            RequireSignedTokens = true,
        });
        return result.IsValid && ((JsonWebToken)result.SecurityToken).Subject == _appId;
    }

    private static IResult Entra(int status, string error, string description) =>
        Results.Json(new JsonObject { ["error"] = error, ["error_description"] = description, ["error_codes"] = new JsonArray(int.Parse(description[6..description.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture)) }, statusCode: status);
}
