using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Avrr.Bot.Activities;
using Avrr.Bot.Common;
using Avrr.Bot.Persistence;
using Avrr.Bot.Turns;
using Avrr.Dialogs;
using Microsoft.Extensions.Options;

namespace Avrr.Bot.Channels.WhatsApp;

/// <summary>
/// The Cloud API webhook: the verification handshake, then notifications checked against X-Hub-Signature-256 over the
/// exact bytes (and Meta's escaped-unicode form), stored in the inbox and answered 200 at once. Messages open the
/// person's 24-hour window and are marked read; status reports update the outbox rows.
/// </summary>
internal sealed partial class WhatsAppWebhook(
    InboxIntake inbox,
    OutboxStore store,
    WhatsAppClient client,
    IOptions<WhatsAppOptions> options,
    ChannelStatus status,
    TimeProvider time,
    ILogger<WhatsAppWebhook> logger)
{
    public const string Path = "/channels/whatsapp";
    public const string SignatureHeader = "X-Hub-Signature-256";
    private const int MaxBodyBytes = 3 * 1024 * 1024;

    public static ChannelCapabilities Capabilities { get; } = new(4096, 10, true);

    public static IResult Verify(HttpRequest request, IOptions<WhatsAppOptions> options)
    {
        var verifyToken = options.Value.VerifyToken;
        var mode = request.Query["hub.mode"].ToString();
        var token = request.Query["hub.verify_token"].ToString();
        var challenge = request.Query["hub.challenge"].ToString();
        return !string.IsNullOrEmpty(verifyToken) && mode == "subscribe" && challenge.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(verifyToken))
            ? Results.Text(challenge, "text/plain")
            : Results.StatusCode(StatusCodes.Status403Forbidden);
    }

    public async Task<IResult> ReceiveAsync(HttpContext context)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return Results.NotFound();
        }

        var body = await BoundedBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (!SignatureValid(body, context.Request.Headers[SignatureHeader].ToString(), settings.AppSecret!))
        {
            return Results.Unauthorized();
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        foreach (var value in (root.Get("entry")).AsArrayOrEmpty().SelectMany(e => (e.Get("changes")).AsArrayOrEmpty()).Select(c => c.Get("value")))
        {
            if (value.Get("metadata").Get("phone_number_id").AsString() != settings.PhoneNumberId)
            {
                continue;
            }

            foreach (var message in value.Get("messages").AsArrayOrEmpty())
            {
                if (message is JsonObject m)
                {
                    await AcceptMessageAsync(m, settings, context.RequestAborted);
                }
            }

            foreach (var report in value.Get("statuses").AsArrayOrEmpty())
            {
                if (report is JsonObject s)
                {
                    await ApplyStatusAsync(s, context.RequestAborted);
                }
            }
        }

        // 200 also for what the bot does not handle: anything else makes Meta redeliver for days.
        return Results.Ok();
    }

    /// <summary>HMAC-SHA256 of the raw bytes with the app secret; then of Meta's escaped-unicode form. Constant time.</summary>
    internal static bool SignatureValid(byte[] body, string header, string appSecret)
    {
        if (header.Length != 71 || !header.StartsWith("sha256=", StringComparison.Ordinal) || string.IsNullOrEmpty(appSecret))
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(7));
        }
        catch (FormatException)
        {
            return false;
        }

        var key = Encoding.UTF8.GetBytes(appSecret);
        if (CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, body), presented))
        {
            return true;
        }

        var escaped = EscapeUnicode(Encoding.UTF8.GetString(body));
        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(escaped)), presented);
    }

    private static string EscapeUnicode(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < 128)
            {
                result.Append(c);
            }
            else
            {
                result.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return result.ToString();
    }

    /// <summary>What one entry of <c>messages</c> says, read without side effects; null without the ids.</summary>
    internal static WhatsAppInbound? Read(JsonObject message)
    {
        var waId = message["from"].AsString();
        var wamid = message["id"].AsString();
        if (waId is null || wamid is null)
        {
            return null;
        }

        var (text, value) = Content(message);
        DateTimeOffset? sentAt = long.TryParse(message["timestamp"].AsString(), CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        return new WhatsAppInbound(waId, wamid, text, value, sentAt);
    }

    private async Task AcceptMessageAsync(JsonObject message, WhatsAppOptions settings, CancellationToken ct)
    {
        if (Read(message) is not { } inbound)
        {
            return;
        }

        var (waId, wamid, text, value, sent) = inbound;
        var sentAt = sent ?? time.GetUtcNow();
        if (time.GetUtcNow() - sentAt > TimeSpan.FromHours(settings.MaxMessageAgeHours))
        {
            // A replay after an outage: answering a days-old message would confuse more than help.
            Log.Stale(logger);
            return;
        }

        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Text = text,
            Timestamp = sentAt,
            // No platform ids in the activity: the address lives sealed on the conversation, in one place.
            From = new ChannelAccount { Id = "person", Role = RoleTypes.User },
        };
        if (value is not null)
        {
            activity.Value = ActivityJson.ChoicePayload(value);
        }

        var accepted = await inbox.AcceptAsync(new PushMessage(WhatsAppSender.ChannelName, waId, wamid, activity, Capabilities) { WindowOpenedAt = sentAt }, ct);
        if (accepted.IsNew)
        {
            _ = MarkReadAsync(wamid);
        }
    }

    private static (string? Text, string? Value) Content(JsonObject message)
    {
        switch (message["type"].AsString())
        {
            case "text":
                return (message["text"].Get("body").AsString(), null);
            case "interactive":
                var reply = message["interactive"].Get("button_reply") ?? message["interactive"].Get("list_reply");
                var id = reply.Get("id").AsString();
                var title = reply.Get("title").AsString();
                // A reply id "n:3" stands for a choice whose value was too long: its number is the answer.
                return id is not null && id.StartsWith("n:", StringComparison.Ordinal) ? (id[2..], null) : (title, id);
            case "button":
                return (message["button"].Get("text").AsString(), message["button"].Get("payload").AsString());
            default:
                // Voice notes, pictures, locations: not silence, but something the dialog answers with a re-prompt
                // (or, mid-menu, an offer of a person), so the person knows to write.
                return ($"[{message["type"].AsString() ?? "message"}]", null);
        }
    }

    private async Task ApplyStatusAsync(JsonObject report, CancellationToken ct)
    {
        var id = report["id"].AsString();
        var delivery = report["status"].AsString() switch
        {
            "sent" => DeliveryStatus.Sent,
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            "failed" => DeliveryStatus.Failed,
            _ => (DeliveryStatus?)null,
        };
        if (id is null || delivery is null)
        {
            return;
        }

        var error = report["errors"].AsArrayOrEmpty().FirstOrDefault() is JsonObject e ? $"{e["code"]}: {e["title"].AsString()}" : null;
        await store.StatusAsync(WhatsAppSender.ChannelName, id, delivery.Value, error, ct);
        if (error is not null)
        {
            status.Error(WhatsAppSender.ChannelName, error, time.GetUtcNow());
        }
    }

    private async Task MarkReadAsync(string wamid)
    {
        try
        {
            await client.PostAsync(new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["status"] = "read",
                ["message_id"] = wamid,
                ["typing_indicator"] = new JsonObject { ["type"] = "text" },
            }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is ChannelApiException || OutboundHttp.IsTransportFailure(ex))
        {
            status.Error(WhatsAppSender.ChannelName, "mark as read: " + ((ex as ChannelApiException)?.Description ?? ex.GetType().Name), time.GetUtcNow());
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "A WhatsApp message older than the configured age arrived and was not answered")]
        public static partial void Stale(ILogger logger);
    }
}
