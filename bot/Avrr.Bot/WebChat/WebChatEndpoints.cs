using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Avrr.Bot.DirectLine;
using Avrr.Bot.Persistence;
using Avrr.Knowledge;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.WebChat;

/// <summary>The web chat page and what it needs from the host: a conversation token (never the secret) and its header text.</summary>
internal static class WebChatEndpoints
{
    private const string TokenPolicy = "webchat-token";

    public static WebApplicationBuilder AddWebChat(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebChatOptions>().BindConfiguration(WebChatOptions.Section);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(TokenPolicy, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<WebChatOptions>>().Value.TokensPerMinutePerClient;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) });
            });
        });
        return builder;
    }

    /// <summary>The web chat page's own security policy, and "/" rewritten to the page; runs before routing.</summary>
    public static WebApplication UseWebChatPage(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path == "/" || context.Request.Path.StartsWithSegments("/index.html"))
            {
                // Web Chat styles itself with inline <style> elements; scripts come only from this host.
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
                context.Response.Headers.CacheControl = "no-store";
            }

            await next();
        });
        app.UseDefaultFiles();
        return app;
    }

    public static WebApplication MapWebChat(this WebApplication app)
    {
        app.MapStaticAssets();

        app.MapPost("/webchat/token", (DirectLineTokens tokens, IOptions<DirectLineOptions> options) =>
        {
            var lifetime = options.Value.TokenLifetimeSeconds;
            var conversationId = ConversationIds.New();
            var token = tokens.IssueConversationToken(conversationId, DirectLineEndpoints.NewUserId(), TimeSpan.FromSeconds(lifetime));
            return Results.Json(new WebChatToken(conversationId, token, lifetime), WebChatJsonContext.Default.WebChatToken);
        }).RequireRateLimiting(TokenPolicy);

        app.MapGet("/webchat/config", (string? lang, [FromServices] IKnowledgeSource knowledge, IOptions<WebChatOptions> options) =>
        {
            var snapshot = knowledge.Current;
            var language = snapshot.FindLanguage(lang ?? "")?.Code ?? snapshot.DefaultLanguage;
            return Results.Json(
                new WebChatConfig(
                    snapshot.Text("webchat.title", language).Text,
                    snapshot.Text("webchat.quick_exit", language).Text,
                    snapshot.Text("webchat.confidential_note", language).Text,
                    options.Value.QuickExitUrl),
                WebChatJsonContext.Default.WebChatConfig);
        });
        return app;
    }
}

internal sealed record WebChatToken(
    [property: JsonPropertyName("conversationId")] string ConversationId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

internal sealed record WebChatConfig(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("quickExit")] string QuickExit,
    [property: JsonPropertyName("note")] string Note,
    [property: JsonPropertyName("quickExitUrl")] string QuickExitUrl);

[JsonSerializable(typeof(WebChatToken))]
[JsonSerializable(typeof(WebChatConfig))]
internal sealed partial class WebChatJsonContext : JsonSerializerContext;
