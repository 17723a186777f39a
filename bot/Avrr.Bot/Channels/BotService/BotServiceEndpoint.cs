using System.Text.Json;
using Avrr.Bot.Activities;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Turns;
using Avrr.Dialogs;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.BotService;

/// <summary>
/// <c>POST /api/messages</c>: what Azure Bot Service delivers from Teams, Messenger, Slack and its other channels. The
/// token is checked before the body is read; a person's message is stored in the inbox (deduplicated by the channel's
/// activity id) and answered 200 at once, well inside the Connector's 15 seconds, and the turn runs afterwards in order.
/// </summary>
internal sealed partial class BotServiceEndpoint(
    ConnectorAuthentication authentication,
    InboxIntake inbox,
    StoreWriter writer,
    ConversationDirectory directory,
    IOptions<BotServiceOptions> options,
    TimeProvider time,
    ILogger<BotServiceEndpoint> logger)
{
    public const string Path = "/api/messages";
    private const int MaxBodyBytes = 1024 * 1024;
    private const string HandoffStatus = "handoff.status";

    public async Task<IResult> ReceiveAsync(HttpContext context)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return Results.NotFound();
        }

        var verdict = await authentication.ValidateAsync(context.Request.Headers.Authorization.ToString(), context.RequestAborted);
        if (!verdict.Valid)
        {
            Log.Refused(logger, verdict.Failure ?? "");
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Unauthorized();
        }

        var body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        Activity? activity;
        try
        {
            activity = ActivityJson.Deserialize(body);
        }
        catch (JsonException)
        {
            activity = null;
        }

        if (activity?.Type is null)
        {
            return Results.BadRequest();
        }

        var (status, failure) = ConnectorAuthentication.CheckActivity(verdict, activity.ServiceUrl, activity.ChannelId);
        if (status != StatusCodes.Status200OK)
        {
            Log.Refused(logger, failure ?? "");
            return Results.StatusCode(status);
        }

        if (Address(activity) is not { } address)
        {
            return Results.BadRequest();
        }

        switch (activity.Type)
        {
            case ActivityTypes.Message when activity.Conversation?.IsGroup == true:
                // An intake is confidential: the bot does not take part in group conversations or channels.
                return Results.Ok();
            case ActivityTypes.Message:
                return await AcceptMessageAsync(activity, address, settings, context.RequestAborted);
            case ActivityTypes.ConversationUpdate when activity.Conversation?.IsGroup != true && BotWasAdded(body, address.BotId):
                // The person installed the app or opened the chat: greet them once, as web chat does; a reinstall of a
                // conversation that already started gets nothing.
                return await AcceptGreetingAsync(activity, address, context.RequestAborted);
            case ActivityTypes.Event when activity.Name == HandoffStatus:
                // An agent hub reports on a hand-off; the Bot Framework says never to reject it.
                await RecordHandoffStatusAsync(address, activity.Value, context.RequestAborted);
                return Results.Ok();
            case "invoke":
                // Invokes wait for an answer the bot does not give (cards, task modules): say so, as the SDK does.
                return Results.StatusCode(StatusCodes.Status501NotImplemented);
            default:
                // conversationUpdate, typing, reactions and the rest: nothing to do (receivers ignore unknown types).
                return Results.Ok();
        }
    }

    /// <summary>Capabilities of the channels behind Bot Service, as the dialog shapes replies for them.</summary>
    public static ChannelCapabilities CapabilitiesOf(string? channelId) => channelId switch
    {
        "msteams" => new(28_000, 6, true),
        "facebook" => new(2_000, 13, true),
        "slack" => new(3_000, 10, true),
        // Channels without suggested actions get the choices as a numbered list in the text.
        "email" or "sms" => new(1_600, 10, false),
        _ => new(4_096, 10, true),
    };

    private async Task<IResult> AcceptMessageAsync(Activity activity, ConnectorAddress address, BotServiceOptions settings, CancellationToken ct)
    {
        if (time.GetUtcNow() - (activity.Timestamp ?? time.GetUtcNow()) > TimeSpan.FromHours(settings.MaxMessageAgeHours))
        {
            Log.Stale(logger);
            return Results.Ok();
        }

        var message = PersonActivity(ActivityTypes.Message, activity);
        message.Text = activity.Text;
        if (ActivityJson.ChoiceValue(activity) is { } choice)
        {
            // A postBack or messageBack from a channel that sends the value (Azure's own Direct Line and Web Chat).
            message.Value = ActivityJson.ChoicePayload(choice);
        }

        return await AcceptAsync(activity.Id, address, message, ct);
    }

    private Task<IResult> AcceptGreetingAsync(Activity activity, ConnectorAddress address, CancellationToken ct) =>
        AcceptAsync(activity.Id, address, PersonActivity(ActivityTypes.ConversationUpdate, activity), ct);

    /// <summary>Into the inbox, deduplicated by the channel's activity id within its conversation.</summary>
    private async Task<IResult> AcceptAsync(string? activityId, ConnectorAddress address, Activity stored, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(activityId))
        {
            return Results.BadRequest();
        }

        var externalId = address.Key + "\n" + activityId;
        await inbox.AcceptAsync(new PushMessage(BotServiceSender.ChannelName, address.Serialize(), externalId, stored, CapabilitiesOf(address.ChannelId)) { AddressKey = address.Key }, ct);
        return Results.Ok();
    }

    /// <summary>
    /// What is stored of the person's activity: no platform ids, since the address lives sealed on the conversation,
    /// in one place.
    /// </summary>
    private Activity PersonActivity(string type, Activity received) => new()
    {
        Type = type,
        Locale = received.Locale,
        Timestamp = received.Timestamp ?? time.GetUtcNow(),
        From = new ChannelAccount { Id = "person", Role = RoleTypes.User },
    };

    /// <summary>Whether <c>membersAdded</c> names the bot (a conversationUpdate is also sent when people join or leave).</summary>
    private static bool BotWasAdded(byte[] body, string botId)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body)?["membersAdded"] is System.Text.Json.Nodes.JsonArray added
                && added.Any(m => m?["id"] is System.Text.Json.Nodes.JsonValue id && id.TryGetValue<string>(out var value) && value == botId);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task RecordHandoffStatusAsync(ConnectorAddress address, JsonElement? value, CancellationToken ct)
    {
        var state = value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (state is not ("accepted" or "failed" or "completed"))
        {
            return;
        }

        var message = value!.Value.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var recorded = await writer.RunAsync(async (connection, transaction, token) =>
        {
            var conversationId = await directory.FindAsync(connection, BotServiceSender.ChannelName, address.Key, token, transaction);
            if (conversationId is null)
            {
                return false;
            }

            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO case_events (case_id, at, actor, kind, detail)
                SELECT id, @at, 'agent hub', @kind, @detail FROM cases WHERE conversation_id = @c AND status = {(int)CaseState.Open}
                """;
            insert.AddParameter("at", time.GetUtcNow().ToUnixTimeMilliseconds());
            insert.AddParameter("kind", "hub." + state);
            // The hub's message is about the hand-off, not the person; it is kept short all the same.
            insert.AddParameter("detail", message is { Length: > 200 } ? message[..200] : message);
            insert.AddParameter("c", conversationId);
            return await insert.ExecuteNonQueryAsync(token) > 0;
        }, ct);
        Log.HandoffStatus(logger, state, recorded);
    }

    /// <summary>Where replies go, from a validated activity; null when a required part is missing.</summary>
    internal static ConnectorAddress? Address(Activity activity) =>
        activity is { ServiceUrl: { Length: > 0 } serviceUrl, ChannelId: { Length: > 0 } channelId, Conversation.Id: { Length: > 0 } conversationId, Recipient.Id: { Length: > 0 } botId, From.Id: { Length: > 0 } userId }
        && Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback)
            ? new ConnectorAddress(serviceUrl, channelId, conversationId, botId, activity.Recipient.Name, userId, TenantOf(activity))
            : null;

    private static string? TenantOf(Activity activity) =>
        activity.ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("tenant", out var tenant)
        && tenant.ValueKind == JsonValueKind.Object && tenant.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "A request to /api/messages was refused: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);

        [LoggerMessage(EventId = 4302, Level = LogLevel.Information, Message = "A Bot Service message older than the configured age arrived and was not answered")]
        public static partial void Stale(ILogger logger);

        [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "The agent hub reported the hand-off {State} (recorded on an open case: {Recorded})")]
        public static partial void HandoffStatus(ILogger logger, string state, bool recorded);
    }
}
