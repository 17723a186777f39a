using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Avrr.Bot.Activities;
using Avrr.Bot.Turns;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.BotService;

/// <summary>
/// Activities to the Bot Connector (<c>POST {serviceUrl}/v3/conversations/{id}/activities</c>) with the bot's token:
/// messages with their choices as suggested actions, and the <c>handoff.initiate</c> event with the transcript.
/// The Connector's errors become the outbox's results: 429 waits for Retry-After, 5xx backs off, 401 renews the token.
/// </summary>
internal sealed class BotServiceSender(ConnectorToken token, IHttpClientFactory clients, ActivityLog log, IOptions<BotServiceOptions> options, TimeProvider time) : IChannelSender
{
    public const string ChannelName = "botservice";
    public const string ClientName = "botservice";
    private const int MaxTranscript = 500;

    private readonly HttpClient _http = clients.CreateClient(ClientName);

    public string Channel => ChannelName;

    public async Task<SendResult> SendAsync(OutboxItem item, CancellationToken ct)
    {
        if (ConnectorAddress.Parse(item.Address) is not { } address)
        {
            return new SendResult.Permanent("the conversation's address is not a Bot Service conversation reference");
        }

        JsonObject body;
        if (item.Activity is { Type: ActivityTypes.Event, Name: HandoffEvents.Initiate })
        {
            var transcript = options.Value.AgentHubTranscript ? await TranscriptAsync(item, ct) : null;
            body = Handoff(address, item.Activity, transcript);
        }
        else
        {
            body = Build(address, item.Activity);
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, address.ActivitiesUri()) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = ConnectorToken.Header(await token.GetAsync(ct));
            using var response = await _http.SendAsync(request, ct);
            var result = await ReadAsync(response, ct);
            if (response.IsSuccessStatusCode)
            {
                return new SendResult.Sent(result?["id"]?.GetValue<string>());
            }

            return Classify(response.StatusCode, result?["error"], response.Headers.RetryAfter);
        }
        catch (ChannelApiException refused)
        {
            // The token endpoint said no: a configuration error (a wrong or expired secret) that an operator fixes,
            // so the reply waits and is retried rather than dropped.
            return refused.RetryAfter is { } wait
                ? new SendResult.RetryAt(time.GetUtcNow() + wait, refused.Description)
                : new SendResult.Transient(refused.Description);
        }
    }

    internal SendResult Classify(HttpStatusCode status, JsonNode? error, System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter)
    {
        var code = error?["code"]?.GetValue<string>() ?? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reason = $"{(int)status} {code}: {error?["message"]?.GetValue<string>() ?? status.ToString()}";
        switch (status)
        {
            case HttpStatusCode.TooManyRequests:
                var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - time.GetUtcNow() : TimeSpan.FromSeconds(1));
                return new SendResult.RetryAt(time.GetUtcNow() + (wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1)), reason);
            case HttpStatusCode.Unauthorized:
                // The token was revoked or expired early: a fresh one for the retry.
                token.Invalidate();
                return new SendResult.Transient(reason);
            case HttpStatusCode.RequestTimeout:
                return new SendResult.Transient(reason);
            case HttpStatusCode.Forbidden when code is "ConversationBlockedByUser" or "BotDisabledByAdmin":
                return new SendResult.Permanent(reason, OptOut: code == "ConversationBlockedByUser");
            default:
                return (int)status >= 500 ? new SendResult.Transient(reason) : new SendResult.Permanent(reason);
        }
    }

    internal static JsonObject Build(ConnectorAddress address, Activity activity)
    {
        var message = Envelope(address, ActivityTypes.Message);
        message["from"] = Bot(address);
        message["recipient"] = new JsonObject { ["id"] = address.UserId };
        message["text"] = activity.Text ?? "";
        message["textFormat"] = activity.TextFormat ?? "plain";
        if (activity.Locale is { } locale)
        {
            message["locale"] = locale;
        }

        if (activity.SuggestedActions is { Actions.Count: > 0 } suggested)
        {
            // imBack: every Bot Service channel shows it (Teams takes no other kind as a suggested action); the label
            // comes back as the person's text, which the dialog matches like a typed answer.
            message["inputHint"] = "expectingInput";
            message["suggestedActions"] = new JsonObject
            {
                ["to"] = new JsonArray(address.UserId),
                ["actions"] = new JsonArray([.. suggested.Actions.Select(a => (JsonNode)new JsonObject
                {
                    ["type"] = "imBack",
                    ["title"] = a.Title ?? a.Text ?? "",
                    ["value"] = a.Title ?? a.Text ?? "",
                })]),
            };
        }

        return message;
    }

    /// <summary>As the Bot Framework's <c>EventFactory.CreateHandoffInitiation</c> builds it; hubs correlate on the conversation id.</summary>
    internal static JsonObject Handoff(ConnectorAddress address, Activity activity, JsonArray? transcript)
    {
        var handoff = Envelope(address, ActivityTypes.Event);
        handoff["name"] = HandoffEvents.Initiate;
        handoff["id"] = Guid.NewGuid().ToString();
        handoff["timestamp"] = activity.Timestamp?.ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        handoff["from"] = new JsonObject { ["id"] = address.UserId };
        handoff["recipient"] = Bot(address);
        handoff["value"] = activity.Value is { } value ? JsonNode.Parse(value.GetRawText()) : new JsonObject();
        handoff["relatesTo"] = new JsonObject
        {
            ["user"] = new JsonObject { ["id"] = address.UserId },
            ["bot"] = Bot(address),
            ["conversation"] = Conversation(address),
            ["channelId"] = address.ChannelId,
            ["serviceUrl"] = address.ServiceUrl,
        };
        handoff["entities"] = new JsonArray();
        handoff["attachments"] = transcript is null
            ? new JsonArray()
            : new JsonArray(new JsonObject
            {
                ["contentType"] = "application/json",
                ["name"] = "Transcript",
                ["content"] = new JsonObject { ["activities"] = transcript },
            });
        return handoff;
    }

    private static JsonObject Envelope(ConnectorAddress address, string type) => new()
    {
        ["type"] = type,
        ["channelId"] = address.ChannelId,
        ["serviceUrl"] = address.ServiceUrl,
        ["conversation"] = Conversation(address),
    };

    private static JsonObject Conversation(ConnectorAddress address)
    {
        var conversation = new JsonObject { ["id"] = address.ConversationId };
        if (address.TenantId is { } tenant)
        {
            conversation["tenantId"] = tenant;
        }

        return conversation;
    }

    private static JsonObject Bot(ConnectorAddress address)
    {
        var bot = new JsonObject { ["id"] = address.BotId };
        if (address.BotName is { } name)
        {
            bot["name"] = name;
        }

        return bot;
    }

    /// <summary>What the conversation kept before the hand-off (nothing the person did not agree to keep), as plain activities.</summary>
    private async Task<JsonArray> TranscriptAsync(OutboxItem item, CancellationToken ct)
    {
        var kept = await log.ReadAfterAsync(item.ConversationId, -1, MaxTranscript, ct);
        var activities = new JsonArray();
        foreach (var entry in kept.Where(e => e.Seq < item.Seq))
        {
            if (ActivityJson.Deserialize(entry.Json) is not { Type: ActivityTypes.Message } stored)
            {
                continue;
            }

            activities.Add(new JsonObject
            {
                ["type"] = ActivityTypes.Message,
                ["timestamp"] = stored.Timestamp?.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                ["from"] = new JsonObject { ["role"] = entry.Direction == Persistence.ActivityDirection.In ? RoleTypes.User : RoleTypes.Bot },
                ["text"] = stored.Text,
                ["locale"] = stored.Locale,
            });
        }

        return activities;
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return response.Content.Headers.ContentLength == 0 ? null : await response.Content.ReadFromJsonAsync<JsonNode>(ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
