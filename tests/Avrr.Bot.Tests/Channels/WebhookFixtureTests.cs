using System.Text.Json;
using System.Text.Json.Nodes;
using Avrr.Bot.Channels.Telegram;
using Avrr.Bot.Channels.WhatsApp;
using Telegram.Bot;
using Telegram.Bot.Types;
using static Avrr.Bot.Channels.Telegram.TelegramUpdate;

namespace Avrr.Bot.Tests.Channels;

/// <summary>
/// Webhook payloads in the shapes the platforms document (the Bot API's Update object, the Cloud API's messages
/// notifications), each beside the inbound message it must produce. The channel tests run a few of these end to end;
/// this table covers every kind.
/// </summary>
public sealed class WebhookFixtureTests
{
    private const string Person = """{"id":1111111,"is_bot":false,"first_name":"Test","language_code":"fa"}""";
    private const string Bot = """{"id":4242,"is_bot":true,"first_name":"Avrr","username":"avrr_bot"}""";
    private const string Chat = """{"id":1111111,"first_name":"Test","type":"private"}""";

    public static TheoryData<string, string, TelegramUpdate> TelegramUpdates => new()
    {
        { "text", Message("\"text\":\"salam\""), new Inbound(1111111, "m:1111111:1365", "salam", null, null, "fa") },
        { "deep link", Message("\"text\":\"/start BE_ar\",\"entities\":[{\"offset\":0,\"length\":6,\"type\":\"bot_command\"}]"), new Inbound(1111111, "m:1111111:1365", null, "BE_ar", null, "fa") },
        { "start", Message("\"text\":\"/start\""), new Inbound(1111111, "m:1111111:1365", null, null, null, "fa") },
        { "photo", Message("\"photo\":[{\"file_id\":\"AgAD\",\"file_unique_id\":\"AQAD\",\"width\":90,\"height\":67,\"file_size\":1254}],\"caption\":\"my card\""), new Inbound(1111111, "m:1111111:1365", "[photo]", null, null, "fa") },
        { "voice", Message("\"voice\":{\"file_id\":\"AwAD\",\"file_unique_id\":\"AgAD\",\"duration\":5,\"mime_type\":\"audio/ogg\",\"file_size\":23000}"), new Inbound(1111111, "m:1111111:1365", "[voice]", null, null, "fa") },
        { "location", Message("\"location\":{\"latitude\":50.8503,\"longitude\":4.3517}"), new Inbound(1111111, "m:1111111:1365", "[location]", null, null, "fa") },
        { "sticker", Message("\"sticker\":{\"file_id\":\"CAAD\",\"file_unique_id\":\"AgAD\",\"type\":\"regular\",\"width\":512,\"height\":512,\"is_animated\":false,\"is_video\":false}"), new Inbound(1111111, "m:1111111:1365", "[sticker]", null, null, "fa") },
        {
            "button press",
            J("""{"update_id":10001,"callback_query":{"id":"4382bfdwdsb323b2d9","from":@person,"chat_instance":"-1","data":"lang:en","message":{"message_id":1366,"from":@bot,"chat":@chat,"date":1790000000,"text":"Which language?","reply_markup":{"inline_keyboard":[[{"text":"English","callback_data":"lang:en"}],[{"text":"فارسی","callback_data":"lang:fa"}]]}}}}"""),
            new Inbound(1111111, "cb:4382bfdwdsb323b2d9", "English", null, "lang:en", "fa", new CallbackPress("4382bfdwdsb323b2d9", 1366, true))
        },
        {
            "press of a hashed value",
            J("""{"update_id":10002,"callback_query":{"id":"77","from":@person,"chat_instance":"-1","data":"h:0123456789abcdef0123456789abcdef","message":{"message_id":1367,"from":@bot,"chat":@chat,"date":1790000000,"text":"Which country?","reply_markup":{"inline_keyboard":[[{"text":"Another country","callback_data":"h:0123456789abcdef0123456789abcdef"}]]}}}}"""),
            new Inbound(1111111, "cb:77", "Another country", null, null, "fa", new CallbackPress("77", 1367, true))
        },
        {
            "person blocked the bot",
            J("""{"update_id":10003,"my_chat_member":{"chat":@chat,"from":@person,"date":1790000000,"old_chat_member":{"status":"member","user":@bot},"new_chat_member":{"status":"kicked","user":@bot,"until_date":0}}}"""),
            new Blocked(1111111)
        },
        {
            "person unblocked the bot",
            J("""{"update_id":10004,"my_chat_member":{"chat":@chat,"from":@person,"date":1790000000,"old_chat_member":{"status":"kicked","user":@bot,"until_date":0},"new_chat_member":{"status":"member","user":@bot}}}"""),
            new Ignored()
        },
        { "group chat", J("""{"update_id":10005,"message":{"message_id":5,"from":@person,"chat":{"id":-100123,"title":"Friends","type":"supergroup"},"date":1790000000,"text":"hi all"}}"""), new Ignored() },
        { "edited message", J("""{"update_id":10006,"edited_message":{"message_id":1365,"from":@person,"chat":@chat,"date":1790000000,"edit_date":1790000060,"text":"salam!"}}"""), new Ignored() },
        { "message without a chat id", J("""{"update_id":10007,"message":{"message_id":5,"from":@person,"chat":{"id":0,"type":"private"},"date":1790000000,"text":"hi"}}"""), new Malformed() },
        { "press without its message", J("""{"update_id":10008,"callback_query":{"id":"78","from":@person,"chat_instance":"-1","data":"x"}}"""), new Malformed() },
    };

    public static TheoryData<string, string, WhatsAppInbound?> WhatsAppMessages => new()
    {
        { "text", """{"from":"4915112345678","id":"wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNB","timestamp":"1700000000","type":"text","text":{"body":"Hallo"}}""", new("4915112345678", "wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNB", "Hallo", null, Sent) },
        { "reply button", """{"from":"4915112345678","id":"wamid.B","timestamp":"1700000000","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"lang:de","title":"Deutsch"}}}""", new("4915112345678", "wamid.B", "Deutsch", "lang:de", Sent) },
        { "list row", """{"from":"4915112345678","id":"wamid.L","timestamp":"1700000000","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"menu:learn","title":"Learn about return","description":"Programmes and steps"}}}""", new("4915112345678", "wamid.L", "Learn about return", "menu:learn", Sent) },
        { "numbered choice", """{"from":"4915112345678","id":"wamid.N","timestamp":"1700000000","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"n:3","title":"Another country"}}}""", new("4915112345678", "wamid.N", "3", null, Sent) },
        { "template quick reply", """{"from":"4915112345678","id":"wamid.T","timestamp":"1700000000","type":"button","button":{"text":"Yes","payload":"reengage:yes"}}""", new("4915112345678", "wamid.T", "Yes", "reengage:yes", Sent) },
        { "image", """{"from":"4915112345678","id":"wamid.I","timestamp":"1700000000","type":"image","image":{"caption":"my card","mime_type":"image/jpeg","sha256":"abc","id":"1234"}}""", new("4915112345678", "wamid.I", "[image]", null, Sent) },
        { "voice note", """{"from":"4915112345678","id":"wamid.V","timestamp":"1700000000","type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"abc","id":"5678","voice":true}}""", new("4915112345678", "wamid.V", "[audio]", null, Sent) },
        { "location", """{"from":"4915112345678","id":"wamid.P","timestamp":"1700000000","type":"location","location":{"latitude":50.8503,"longitude":4.3517}}""", new("4915112345678", "wamid.P", "[location]", null, Sent) },
        { "no timestamp", """{"from":"4915112345678","id":"wamid.X","type":"text","text":{"body":"Hallo"}}""", new("4915112345678", "wamid.X", "Hallo", null, null) },
        { "no sender", """{"id":"wamid.Y","timestamp":"1700000000","type":"text","text":{"body":"Hallo"}}""", null },
    };

    private static DateTimeOffset Sent => DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Theory]
    [MemberData(nameof(TelegramUpdates))]
    public void A_telegram_update_reads_as_its_inbound_message(string kind, string json, TelegramUpdate expected)
    {
        var update = JsonSerializer.Deserialize<Update>(json, JsonBotAPI.Options)!;
        Assert.True(expected == TelegramUpdate.Read(update), kind);
    }

    [Theory]
    [MemberData(nameof(WhatsAppMessages))]
    public void A_whatsapp_message_reads_as_its_inbound_message(string kind, string json, WhatsAppInbound? expected)
    {
        Assert.True(expected == WhatsAppWebhook.Read(JsonNode.Parse(json)!.AsObject()), kind);
    }

    private static string Message(string content) =>
        J("""{"update_id":10000,"message":{"message_id":1365,"from":@person,"chat":@chat,"date":1790000000,@content}}""").Replace("@content", content, StringComparison.Ordinal);

    /// <summary>A fixture with the person, the bot and the private chat put in.</summary>
    private static string J(string json) =>
        json.Replace("@person", Person, StringComparison.Ordinal).Replace("@bot", Bot, StringComparison.Ordinal).Replace("@chat", Chat, StringComparison.Ordinal);
}
