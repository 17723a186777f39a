using System.Security.Cryptography;
using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Turns;
using Avrr.Dialogs;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.DirectLine;

/// <summary>Direct Line 3.0 as the official clients call it (the Direct Line 3.0 API reference), served under <c>/v3/directline</c>.</summary>
internal static partial class DirectLineEndpoints
{
    public const string ChannelName = "directline";

    /// <summary>The hosted service's documented cap: "must not exceed 256K characters".</summary>
    internal const int MaxActivityBytes = 256 * 1024;

    /// <summary>Longer than any message a person types (Telegram and WhatsApp stop at 4,096).</summary>
    internal const int MaxTextLength = 10_000;

    public static IEndpointRouteBuilder MapDirectLine(this IEndpointRouteBuilder app)
    {
        var dl = app.MapGroup("/v3/directline");
        dl.MapPost("/tokens/generate", GenerateToken);
        dl.MapPost("/tokens/refresh", RefreshToken);
        dl.MapPost("/conversations", StartConversation);
        dl.MapGet("/conversations/{conversationId}", Reconnect);
        dl.MapGet("/conversations/{conversationId}/activities", GetActivities);
        dl.MapPost("/conversations/{conversationId}/activities", PostActivity);
        dl.MapPost("/conversations/{conversationId}/upload", async (string conversationId, HttpContext context, DirectLineSecret secret, DirectLineTokens tokens, ActivityLog log) =>
        {
            var (_, error) = await AuthorizeAsync(conversationId, context, secret, tokens, log);
            return error ?? DirectLineErrors.BadArgument("File uploads are not enabled on this bot.");
        });
        dl.MapGet("/conversations/{conversationId}/stream", DirectLineStream.AcceptAsync);
        dl.MapGet("/session/getsessionid", () => Results.Json(new SessionResponse(""), DirectLineJsonContext.Default.SessionResponse));
        return app;
    }


    internal static string NewUserId() => "dl_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static async Task<IResult> GenerateToken(HttpRequest request, DirectLineSecret secret, DirectLineTokens tokens, IOptions<DirectLineOptions> options)
    {
        var (caller, error) = DirectLineAuth.Authenticate(request, secret, tokens);
        if (error is not null)
        {
            return error;
        }

        if (!caller!.IsSecret)
        {
            return DirectLineErrors.Forbidden();
        }

        var parameters = await ReadOptionalJsonAsync(request);
        var requestedUser = parameters?.User?.Id;
        var userId = requestedUser is not null && requestedUser.StartsWith("dl_", StringComparison.Ordinal) && requestedUser.Length <= 128 ? requestedUser : NewUserId();
        return Results.Json(Issue(tokens, options.Value, ConversationIds.New(), userId, streamUrl: null), DirectLineJsonContext.Default.ConversationResponse);
    }

    private static IResult RefreshToken(HttpRequest request, DirectLineSecret secret, DirectLineTokens tokens, IOptions<DirectLineOptions> options)
    {
        var (caller, error) = DirectLineAuth.Authenticate(request, secret, tokens, allowSecret: false);
        if (error is not null)
        {
            return error;
        }

        var grant = caller!.Grant!;
        return Results.Json(Issue(tokens, options.Value, grant.ConversationId, grant.UserId, streamUrl: null), DirectLineJsonContext.Default.ConversationResponse);
    }

    private static async Task<IResult> StartConversation(HttpContext context, DirectLineSecret secret, DirectLineTokens tokens, ActivityLog log, ConversationDirectory directory, StoreConnections connections, TimeProvider time, IOptions<DirectLineOptions> options)
    {
        var (caller, error) = DirectLineAuth.Authenticate(context.Request, secret, tokens);
        if (error is not null)
        {
            return error;
        }

        var grant = caller!.Grant;
        var response = caller.IsSecret ? Issue(tokens, options.Value, ConversationIds.New(), NewUserId(), null) : null;
        if (response is not null)
        {
            tokens.CheckConversationToken(response.Token, out grant);
        }

        var conversationId = grant!.ConversationId;
        var channel = await log.ChannelAsync(conversationId, context.RequestAborted);
        if (channel is not null && channel != ChannelName)
        {
            return DirectLineErrors.NotFound();
        }

        if (channel is null)
        {
            await using var connection = await connections.OpenAsync(context.RequestAborted);
            await directory.CreatePullConversationAsync(connection, conversationId, ChannelName, time.GetUtcNow().ToUnixTimeMilliseconds(), context.RequestAborted);
        }

        var body = response is not null
            ? response with { StreamUrl = StreamUrl(context.Request, options.Value, tokens, grant, watermark: null) }
            : new ConversationResponse(conversationId, caller.PresentedToken!, RemainingSeconds(grant, context), StreamUrl(context.Request, options.Value, tokens, grant, watermark: null));
        return Results.Json(body, DirectLineJsonContext.Default.ConversationResponse, statusCode: channel is null ? 201 : 200);
    }

    /// <summary>
    /// A token is good for its own conversation only; the secret only for Direct Line conversations that exist. Every
    /// other case gets the same 404 as an unknown id, so no answer tells whether a conversation (or a phone number
    /// behind one) exists.
    /// </summary>
    private static async Task<(DirectLineCaller? Caller, IResult? Error)> AuthorizeAsync(string conversationId, HttpContext context, DirectLineSecret secret, DirectLineTokens tokens, ActivityLog log)
    {
        var (caller, error) = DirectLineAuth.Authenticate(context.Request, secret, tokens);
        if (error is not null)
        {
            return (null, error);
        }

        if (!caller!.IsSecret && !string.Equals(caller.Grant!.ConversationId, conversationId, StringComparison.Ordinal))
        {
            return (null, DirectLineErrors.NotFound());
        }

        var channel = conversationId.Length <= 200 ? await log.ChannelAsync(conversationId, context.RequestAborted) : null;
        var allowed = caller.IsSecret ? channel == ChannelName : channel is null or ChannelName;
        return allowed ? (caller, null) : (null, DirectLineErrors.NotFound());
    }

    private static async Task<IResult> Reconnect(string conversationId, string? watermark, HttpContext context, DirectLineSecret secret, DirectLineTokens tokens, ActivityLog log, IOptions<DirectLineOptions> options)
    {
        var (caller, error) = await AuthorizeAsync(conversationId, context, secret, tokens, log);
        if (error is not null)
        {
            return error;
        }

        var token = caller!.PresentedToken ?? Issue(tokens, options.Value, conversationId, NewUserId(), null).Token;
        tokens.CheckConversationToken(token, out var grant);

        return Results.Json(
            new ConversationResponse(conversationId, token, null, StreamUrl(context.Request, options.Value, tokens, grant!, watermark)),
            DirectLineJsonContext.Default.ConversationResponse);
    }

    private static async Task<IResult> GetActivities(string conversationId, string? watermark, HttpContext context, DirectLineSecret secret, DirectLineTokens tokens, ActivityLog log)
    {
        var (_, error) = await AuthorizeAsync(conversationId, context, secret, tokens, log);
        if (error is not null)
        {
            return error;
        }

        var after = ParseWatermark(watermark);
        var activities = await log.ReadAfterAsync(conversationId, after, ActivitySetWriter.PageSize, context.RequestAborted);
        // The watermark comes from what this read returned, never from a second query: a turn committing in between
        // would move it past activities the client has not seen (Web Chat then never shows the greeting).
        var last = activities.Count > 0 ? activities[^1].Seq : after;
        return Results.Bytes(ActivitySetWriter.Write(activities, last < 0 ? "" : last.ToString(System.Globalization.CultureInfo.InvariantCulture)), "application/json");
    }

    private static async Task<IResult> PostActivity(string conversationId, HttpContext context, DirectLineSecret secret, DirectLineTokens tokens, TurnPipeline pipeline, ActivityLog log)
    {
        var (caller, error) = await AuthorizeAsync(conversationId, context, secret, tokens, log);
        if (error is not null)
        {
            return error;
        }

        var body = await BoundedBody.ReadAsync(context.Request, MaxActivityBytes, context.RequestAborted);
        if (body is null)
        {
            return DirectLineErrors.Error(413, "MessageSizeTooBig", $"The activity must not exceed {MaxActivityBytes / 1024} KB.");
        }

        Activity? activity;
        try
        {
            activity = ActivityJson.Deserialize(body);
        }
        catch (JsonException)
        {
            return DirectLineErrors.BadArgument("The body is not a valid activity in JSON.");
        }

        if (activity is null || string.IsNullOrEmpty(activity.Type))
        {
            return DirectLineErrors.Error(400, "MissingProperty", "The activity needs a 'type'.");
        }

        if (activity.Type is not (ActivityTypes.Message or ActivityTypes.Event or ActivityTypes.ConversationUpdate))
        {
            // Typing and other ephemeral activities are not part of the transcript.
            return Results.Json(new ResourceResponse(conversationId + "|ephemeral"), DirectLineJsonContext.Default.ResourceResponse);
        }

        if (activity.Text is { Length: > MaxTextLength })
        {
            return DirectLineErrors.Error(413, "MessageSizeTooBig", $"A message must not exceed {MaxTextLength} characters.");
        }

        var clientActivityId = ClientActivityId(activity);
        // A token pins the user id; the client cannot speak as someone else (the Direct Line 3.0 API reference).
        activity = Minimal(activity, caller!.Grant?.UserId ?? "dl_anonymous", clientActivityId);
        var externalId = conversationId + "|" + (clientActivityId ?? "srv-" + Guid.NewGuid().ToString("N"));
        var outcome = await pipeline.ProcessAsync(
            new InboundMessage(ChannelName, externalId, conversationId, activity, ChannelCapabilities.WebChat, DeliveryMode.Pull),
            // Once received, the turn runs to its commit even if the client hangs up; it will read the reply later.
            CancellationToken.None);

        var id = outcome.Inbound is { } inbound
            ? StoredActivity.IdFor(conversationId, inbound.Seq)
            : await FindEchoIdAsync(log, conversationId, clientActivityId, context.RequestAborted);
        return Results.Json(new ResourceResponse(id), DirectLineJsonContext.Default.ResourceResponse);
    }

    /// <summary>
    /// Only what the bot uses is stored: the type, the text, a pressed choice, the locale, an event's name, and the
    /// client's activity id (Web Chat matches its echo by it). Attachments, entities, names and any other channel data a
    /// client sends are dropped, so nothing unexpected about the person lands in the database.
    /// </summary>
    private static Activity Minimal(Activity posted, string userId, string? clientActivityId)
    {
        var choice = ActivityJson.ChoiceValue(posted);
        return new Activity
        {
            Type = posted.Type,
            Text = posted.Type == ActivityTypes.Message ? posted.Text : null,
            // What a person types is shown as typed: the echo must not be rendered as Markdown.
            TextFormat = posted.Type == ActivityTypes.Message ? "plain" : null,
            Locale = posted.Locale is { Length: <= 35 } locale ? locale : null,
            Value = choice is { Length: <= 200 } ? ActivityJson.ChoicePayload(choice) : null,
            Name = posted.Type == ActivityTypes.Event && posted.Name is { Length: <= 100 } name ? name : null,
            ChannelData = clientActivityId is { Length: <= 100 } ? ClientActivityData(clientActivityId) : null,
            From = new ChannelAccount { Id = userId, Role = RoleTypes.User },
        };
    }

    private static JsonElement ClientActivityData(string clientActivityId)
    {
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(new ClientData(clientActivityId), DirectLineJsonContext.Default.ClientData));
        return document.RootElement.Clone();
    }

    /// <summary>A re-posted activity (e.g. Web Chat's retry) answers with the id its first delivery got.</summary>
    private static async Task<string> FindEchoIdAsync(ActivityLog log, string conversationId, string? clientActivityId, CancellationToken ct)
    {
        var lastSeq = await log.LastSeqAsync(conversationId, ct);
        var recent = await log.ReadAfterAsync(conversationId, Math.Max(-1, lastSeq - 200), 200, ct);
        for (var i = recent.Count - 1; i >= 0; i--)
        {
            var entry = recent[i];
            if (entry.Direction == ActivityDirection.In && clientActivityId is not null
                && ClientActivityId(ActivityJson.Deserialize(entry.Json)) == clientActivityId)
            {
                return StoredActivity.IdFor(conversationId, entry.Seq);
            }
        }

        return conversationId + "|duplicate";
    }

    internal static string? ClientActivityId(Activity? activity) =>
        activity?.ChannelData is { ValueKind: JsonValueKind.Object } data
        && data.TryGetProperty("clientActivityID", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    internal static long ParseWatermark(string? watermark) =>
        long.TryParse(watermark, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : -1;

    private static ConversationResponse Issue(DirectLineTokens tokens, DirectLineOptions options, string conversationId, string userId, string? streamUrl) =>
        new(conversationId, tokens.IssueConversationToken(conversationId, userId, TimeSpan.FromSeconds(options.TokenLifetimeSeconds)), options.TokenLifetimeSeconds, streamUrl);

    private static int RemainingSeconds(DirectLineGrant grant, HttpContext context)
    {
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        return (int)Math.Max(0, (grant.Expires - now).TotalSeconds);
    }

    private static string StreamUrl(HttpRequest request, DirectLineOptions options, DirectLineTokens tokens, DirectLineGrant grant, string? watermark)
    {
        var baseUrl = string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? $"{request.Scheme}://{request.Host}" : options.PublicBaseUrl.TrimEnd('/');
        var wsBase = baseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + baseUrl[8..]
            : baseUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + baseUrl[7..]
            : baseUrl;
        return $"{wsBase}/v3/directline/conversations/{Uri.EscapeDataString(grant.ConversationId)}/stream?watermark={Uri.EscapeDataString(watermark ?? "")}&t={Uri.EscapeDataString(tokens.IssueStreamToken(grant))}";
    }

    private static async Task<TokenParameters?> ReadOptionalJsonAsync(HttpRequest request)
    {
        var body = await BoundedBody.ReadAsync(request, 16 * 1024, request.HttpContext.RequestAborted);
        if (body is null || body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, DirectLineJsonContext.Default.TokenParameters);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
