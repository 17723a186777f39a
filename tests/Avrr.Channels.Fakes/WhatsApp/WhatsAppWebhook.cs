using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Avrr.Channels.Fakes.WhatsApp;

/// <summary>
/// Webhook notifications as Meta posts them (the WhatsApp Cloud API reference), and their <c>X-Hub-Signature-256</c>.
/// Bodies keep non-ASCII characters raw (UTF-8), so both signature paths can be exercised.
/// </summary>
public static class WhatsAppWebhook
{
    /// <summary>The header carrying <see cref="Sign"/>'s value.</summary>
    public const string SignatureHeader = "X-Hub-Signature-256";

    /// <summary>The WhatsApp Business Account id put in <c>entry[0].id</c>.</summary>
    public const string BusinessAccountId = "102290129340398";

    /// <summary>The business number put in <c>metadata.display_phone_number</c>.</summary>
    public const string DisplayPhoneNumber = "15550001234";

    /// <summary>A user's text message.</summary>
    public static string TextMessage(
        string phoneNumberId, string waId, string wamid, string text, DateTimeOffset at, string profileName = "Test") =>
        UserMessage(phoneNumberId, waId, profileName, Message(waId, wamid, at, "text", new JsonObject { ["body"] = text }));

    /// <summary>A tap on a reply button (<c>interactive.type</c> <c>button_reply</c>).</summary>
    public static string ButtonReply(
        string phoneNumberId, string waId, string wamid, string id, string title, DateTimeOffset at) =>
        InteractiveReply(phoneNumberId, waId, wamid, at, "button_reply", Reply(id, title, null), null);

    /// <summary>A tap on a reply button, quoting the bot's message that carried it (<c>context</c>).</summary>
    public static string ButtonReply(
        string phoneNumberId, string waId, string wamid, string id, string title, DateTimeOffset at, string contextWamid) =>
        InteractiveReply(phoneNumberId, waId, wamid, at, "button_reply", Reply(id, title, null), contextWamid);

    /// <summary>A choice from a list message (<c>interactive.type</c> <c>list_reply</c>).</summary>
    public static string ListReply(
        string phoneNumberId, string waId, string wamid, string id, string title, DateTimeOffset at) =>
        InteractiveReply(phoneNumberId, waId, wamid, at, "list_reply", Reply(id, title, null), null);

    /// <summary>A choice from a list message, with the row's description and the list message quoted.</summary>
    public static string ListReply(
        string phoneNumberId, string waId, string wamid, string id, string title, DateTimeOffset at,
        string? description, string? contextWamid) =>
        InteractiveReply(phoneNumberId, waId, wamid, at, "list_reply", Reply(id, title, description), contextWamid);

    /// <summary>A tap on a template's quick-reply button: <c>type</c> <c>button</c>, <c>button:{payload,text}</c>.</summary>
    public static string TemplateButtonReply(
        string phoneNumberId, string waId, string wamid, string payload, string text, DateTimeOffset at) =>
        UserMessage(phoneNumberId, waId, "Test", Message(
            waId, wamid, at, "button", new JsonObject { ["payload"] = payload, ["text"] = text }));

    /// <summary>
    /// A status of a message the bot sent (<c>sent</c>, <c>delivered</c>, <c>read</c>, <c>failed</c>); with
    /// <paramref name="errorCode"/> it carries <c>errors[]</c>, as asynchronous failures do.
    /// </summary>
    /// <param name="errorTitle">Defaults to the catalog title of <paramref name="errorCode"/>.</param>
    public static string Status(
        string phoneNumberId, string wamid, string recipientId, string status, DateTimeOffset at,
        int? errorCode = null, string? errorTitle = null)
    {
        var item = new JsonObject
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = Timestamp(at),
            ["recipient_id"] = recipientId,
        };
        if (errorCode is { } code)
        {
            var title = errorTitle ?? GraphErrorCatalog.TitleFor(code) ?? "Error";
            item["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = code,
                ["title"] = title,
                ["message"] = title,
                ["error_data"] = new JsonObject { ["details"] = GraphErrorCatalog.DetailsFor(code) ?? title },
                ["href"] = GraphErrorCatalog.ErrorCodesHref,
            });
        }

        var value = Value(phoneNumberId);
        value["statuses"] = new JsonArray(item);
        return Envelope(value);
    }

    /// <summary>
    /// "sha256=" + lowercase hex HMAC-SHA256 of the body's UTF-8 bytes; with <paramref name="escapedUnicode"/>, of the
    /// body with every non-ASCII UTF-16 code unit written as <c>\uXXXX</c> (lowercase hex), the form Meta signs.
    /// </summary>
    public static string Sign(string body, string appSecret, bool escapedUnicode = false)
    {
        var signed = escapedUnicode ? EscapeUnicode(body) : body;
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(signed));
        return "sha256=" + Convert.ToHexStringLower(hash);
    }

    /// <summary>Every char above U+007F → <c>\uxxxx</c> (lowercase hex; surrogates one by one).</summary>
    public static string EscapeUnicode(string body)
    {
        var builder = new StringBuilder(body.Length);
        foreach (var c in body)
        {
            if (c <= '\u007f')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string InteractiveReply(
        string phoneNumberId, string waId, string wamid, DateTimeOffset at, string kind, JsonObject reply,
        string? contextWamid)
    {
        var message = Message(
            waId, wamid, at, "interactive", new JsonObject { ["type"] = kind, [kind] = reply }, contextWamid);
        return UserMessage(phoneNumberId, waId, "Test", message);
    }

    private static JsonObject Reply(string id, string title, string? description)
    {
        var reply = new JsonObject { ["id"] = id, ["title"] = title };
        if (description is not null)
        {
            reply["description"] = description;
        }

        return reply;
    }

    private static JsonObject Message(
        string waId, string wamid, DateTimeOffset at, string type, JsonObject content, string? contextWamid = null)
    {
        var message = new JsonObject();
        if (contextWamid is not null)
        {
            // Replies quote the message they answer; Meta puts context first.
            message["context"] = new JsonObject { ["from"] = DisplayPhoneNumber, ["id"] = contextWamid };
        }

        message["from"] = waId;
        message["id"] = wamid;
        message["timestamp"] = Timestamp(at);
        message["type"] = type;
        message[type] = content;
        return message;
    }

    private static string UserMessage(string phoneNumberId, string waId, string profileName, JsonObject message)
    {
        var value = Value(phoneNumberId);
        value["contacts"] = new JsonArray(new JsonObject
        {
            ["profile"] = new JsonObject { ["name"] = profileName },
            ["wa_id"] = waId,
        });
        value["messages"] = new JsonArray(message);
        return Envelope(value);
    }

    private static JsonObject Value(string phoneNumberId) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["metadata"] = new JsonObject
        {
            ["display_phone_number"] = DisplayPhoneNumber,
            ["phone_number_id"] = phoneNumberId,
        },
    };

    private static string Envelope(JsonObject value) => RawJson.Write(new JsonObject
    {
        ["object"] = "whatsapp_business_account",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = BusinessAccountId,
            ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = "messages" }),
        }),
    });

    private static string Timestamp(DateTimeOffset at) =>
        at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
